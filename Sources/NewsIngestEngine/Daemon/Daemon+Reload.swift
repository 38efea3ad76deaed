import Logging

/// `SIGHUP`'s reload: what changes at once, what waits for a restart.
extension Daemon {
    /// Applies a changed configuration: the watched directories (and scan timing) change at once; keys that
    /// need a restart are named in the log. An invalid configuration is logged and the old one kept.
    func reloadConfiguration() {
        guard let reload else { return }
        let new: DaemonSettings
        do {
            new = try reload()
        } catch {
            logger.error("configuration not reloaded, keeping the one in force", metadata: ["error": "\(error)"])
            return
        }
        let old = current.withLock { $0 }
        var needsRestart: [String] = []
        if new.pipeline.outputPath != old.pipeline.outputPath { needsRestart.append("output.path") }
        if new.pipeline.errorsPath != old.pipeline.errorsPath { needsRestart.append("output.errors") }
        if new.stateDirectory != old.stateDirectory { needsRestart.append("state.directory") }
        if new.forgetAfterDays != old.forgetAfterDays { needsRestart.append("state.forget_after_days") }
        if new.pipeline.workers != old.pipeline.workers { needsRestart.append("pipeline.workers") }
        if new.pipeline.toneStyle != old.pipeline.toneStyle { needsRestart.append("pipeline.tone_style") }
        if new.pipeline.dedupe != old.pipeline.dedupe { needsRestart.append("output.dedupe") }
        if new.logLevel != old.logLevel { needsRestart.append("daemon.log_level") }
        if new.metricsAddress != old.metricsAddress { needsRestart.append("daemon.metrics_address") }
        if new.urls != old.urls || new.fetch != old.fetch { needsRestart.append("source.url") }
        if !needsRestart.isEmpty {
            logger.warning(
                "changed keys take effect at the next restart",
                metadata: ["keys": "\(needsRestart.joined(separator: ", "))"])
        }
        guard
            new.directories != old.directories || new.settleSeconds != old.settleSeconds
                || new.rescanSeconds != old.rescanSeconds
        else {
            logger.info("configuration reloaded")
            return
        }
        do {
            let replacement = try Self.makeDirectorySource(new, pipeline: pipeline, state: state, logger: logger)
            let replaced = sources.replaceDirectories(with: replacement) { @Sendable [logger] in
                logger.info(
                    "configuration reloaded: watching",
                    metadata: ["watch": "\(new.directories.map(\.path).joined(separator: ","))"]
                )
            }
            guard replaced else {
                replacement.stop()
                logger.info("configuration not applied: the daemon is stopping")
                return
            }
            current.withLock {
                $0.directories = new.directories
                $0.settleSeconds = new.settleSeconds
                $0.rescanSeconds = new.rescanSeconds
            }
        } catch {
            logger.error("configuration not reloaded, keeping the one in force", metadata: ["error": "\(error)"])
        }
    }

    static func makeDirectorySource(
        _ settings: DaemonSettings,
        pipeline: IngestPipeline,
        state: StateStore,
        logger: Logger
    ) throws -> DirectorySource {
        try DirectorySource(
            directories: settings.directories,
            pipeline: pipeline,
            state: state,
            logger: logger,
            settleSeconds: settings.settleSeconds,
            rescanSeconds: settings.rescanSeconds
        )
    }
}
