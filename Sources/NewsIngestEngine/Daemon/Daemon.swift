import Dispatch
import Foundation
import Logging
import NewsIngestSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The long-running service: directory sources feeding the pipeline, and the signals that stop it.
///
/// `SIGTERM`/`SIGINT`: stop taking new work, finish and commit what is in flight, exit 0 (or 1 when that
/// takes longer than the shutdown timeout).
public final class Daemon: Sendable {
    private let settings: DaemonSettings
    private let logger: Logger
    private let state: StateStore
    private let pipeline: IngestPipeline
    /// The directory sources; replaced when a reload changes what is watched.
    private let directories: Mutex<DirectorySource>
    /// The URL sources, when any is configured (not changed by a reload).
    private let urls: (any IngestSource)?
    /// Serves `/metrics` when `daemon.metrics_address` is set (not changed by a reload).
    private let metrics: MetricsServer?
    /// When the daemon started, in seconds since 1970.
    private let startTimeSeconds = Double(WallClock.nowMilliseconds()) / 1000
    /// The settings in force (the directory part changes on reload).
    private let current: Mutex<DaemonSettings>
    /// Reads the configuration again for `SIGHUP`; `nil` when there is no file to reload.
    private let reload: (@Sendable () throws -> DaemonSettings)?
    private let control = DispatchQueue(label: "newsingest.control")
    /// Where the state forgets what was not seen for `state.forget_after_days`, away from the signals.
    private let upkeep = DispatchQueue(label: "newsingest.state-upkeep", qos: .utility)
    private let notifier: SystemdNotifier
    /// Signal sources and timers, kept alive for the life of the process.
    private let controlSources: QueueBound<[any DispatchSourceProtocol]>

    /// The signals the daemon handles: stop (`SIGTERM`, `SIGINT`) and reopen/reload (`SIGHUP`).
    private static let handledSignals = [SIGTERM, SIGINT, SIGHUP]

    /// Opens the state store and the output (recovering from a crash) and prepares the sources.
    ///
    /// Call it on the main thread before starting any other: it first blocks the handled signals, so one that
    /// arrives while the daemon starts waits for ``run()`` instead of being lost.
    /// - Throws: what blocking the signals, opening the state, output or inotify, or listening for metrics
    ///   throws, naming the file or address.
    /// - Parameter reload: reads the configuration again on `SIGHUP` (with the same command-line overrides).
    public init(
        settings: DaemonSettings,
        logger: Logger,
        notifier: SystemdNotifier,
        reload: (@Sendable () throws -> DaemonSettings)? = nil
    ) throws {
        self.settings = settings
        self.current = Mutex(settings)
        self.reload = reload
        self.logger = logger
        self.notifier = notifier
        controlSources = QueueBound([], on: control)
        try SignalMask.block(Self.handledSignals)
        // A write past the largest file the daemon may write (`LimitFSIZE=`) fails with `EFBIG`, which the
        // writer handles, rather than raising `SIGXFSZ`, which would kill the process.
        try ProcessControl.ignore(SIGXFSZ)
        try DirectoryMaker.make(settings.stateDirectory)
        for path in [settings.pipeline.outputPath, settings.pipeline.errorsPath] {
            if let directory = JSONLOutput.directory(containing: path) { try DirectoryMaker.make(directory) }
        }
        state = try StateStore(
            directory: settings.stateDirectory, forgetAfterDays: settings.forgetAfterDays,
            recordsFileContents: settings.pipeline.dedupe == .none)
        pipeline = try IngestPipeline(settings: settings.pipeline, state: state, logger: logger)
        directories = Mutex(try Self.makeDirectorySource(settings, pipeline: pipeline, state: state, logger: logger))
        urls =
            settings.urls.isEmpty
            ? nil
            : URLSource(
                sources: settings.urls, fetch: settings.fetch, toneStyle: settings.pipeline.toneStyle,
                pipeline: pipeline, state: state, logger: logger)
        metrics = try settings.metricsAddress.map { address throws(SystemCallError) in
            try MetricsServer(address: address, logger: logger)
        }
    }

    /// Starts everything and never returns: the process ends from a signal handler.
    public func run() -> Never {
        takeSignals()
        control.sync {
            let status = DispatchSource.makeTimerSource(queue: control)
            // STATUS= every 10 s, or at the watchdog's pace when that is faster.
            let microseconds = min(notifier.watchdogIntervalMicroseconds ?? 10_000_000, 10_000_000)
            let interval = DispatchTimeInterval.microseconds(Int(max(10_000, microseconds)))
            status.schedule(deadline: .now() + interval, repeating: interval)
            status.setEventHandler { @Sendable [self] in tick() }
            status.resume()
            controlSources.wrapped.append(status)
            if state.forgetAfterDays > 0 {
                let forgetting = DispatchSource.makeTimerSource(queue: upkeep)
                forgetting.schedule(deadline: .now(), repeating: .seconds(Self.forgetInterval))
                forgetting.setEventHandler { @Sendable [self] in forgetUnseen() }
                forgetting.resume()
                controlSources.wrapped.append(forgetting)
            }
        }
        logger.info(
            "starting",
            metadata: [
                "watch": "\(settings.directories.map(\.path).joined(separator: ","))",
                "urls": "\(settings.urls.count)",
                "output": "\(settings.pipeline.outputPath)", "state": "\(settings.stateDirectory)",
                "workers": "\(settings.pipeline.workers)",
            ]
        )
        if let metrics, var bound = settings.metricsAddress {
            metrics.start { @Sendable [self] in metricsSnapshot }
            bound.port = metrics.port
            logger.info(
                "serving metrics", metadata: ["url": "http://\(bound)/metrics"])
        }
        directories.withLock { $0 }.start { @Sendable [self] in
            urls?.start {}
            logger.info("watching; ingesting the backlog")
            notifier.notify("READY=1\nSTATUS=\(statusLine)")
        }
        dispatchMain()
    }

    /// Hands the handled signals to Dispatch signal sources, and returns once they are registered.
    ///
    /// No signal is lost or takes its default action meanwhile: `init` blocked them, so one sent earlier stays
    /// pending for the sources (setting `SIG_IGN`, as is usual with Dispatch, would discard it). Waiting for
    /// the registration matters because `dispatchMain()` leaves the main thread in `sigsuspend` with every
    /// signal unblocked: until Dispatch has installed its handler, a signal delivered there would kill the
    /// process instead of stopping it cleanly.
    private func takeSignals() {
        let registered = DispatchGroup()
        control.sync {
            for signalNumber in Self.handledSignals {
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: control)
                source.setEventHandler { @Sendable [self] in handle(signalNumber) }
                registered.enter()
                source.setRegistrationHandler { @Sendable in registered.leave() }
                source.resume()
                controlSources.wrapped.append(source)
            }
        }
        if registered.wait(timeout: .now() + 10) == .timedOut {
            logger.warning("the signal handlers were not in place after 10 s; starting anyway")
        }
    }

    private func handle(_ signalNumber: Int32) {
        guard signalNumber != SIGHUP else {
            logger.info("SIGHUP: reopening the output and reloading the configuration")
            notifier.notify("RELOADING=1")
            pipeline.reopenOutputs()
            reloadConfiguration()
            pipeline.heartbeat { @Sendable [self] in notifier.notify("READY=1\nSTATUS=\(statusLine)") }
            return
        }
        logger.info("stopping: finishing work in flight", metadata: ["signal": "\(signalNumber)"])
        notifier.notify("STOPPING=1\nSTATUS=stopping: finishing work in flight")
        directories.withLock { $0 }.stop()
        urls?.stop()
        pipeline.drain()
        pipeline.whenIdle(queue: control) { @Sendable [self] in
            do {
                try state.checkpoint()
            } catch {
                logger.warning(
                    "could not empty the state's write-ahead log; the next start reads it",
                    metadata: ["error": "\(error)"])
            }
            let counts = pipeline.counts
            logger.info(
                "stopped",
                metadata: [
                    "emitted": "\(counts.emitted)", "duplicates": "\(counts.duplicates)", "failed": "\(counts.failed)",
                ]
            )
            ProcessControl.exit(0)
        }
        let timeout = settings.shutdownTimeoutSeconds
        control.asyncAfter(deadline: .now() + .milliseconds(Int(timeout * 1000))) { @Sendable [logger] in
            logger.error(
                "work in flight did not finish within the shutdown timeout; exiting",
                metadata: ["seconds": "\(timeout)"])
            ProcessControl.exit(1)
        }
    }

    /// Seconds between two passes forgetting what was not seen for `state.forget_after_days`: at start, then
    /// daily. A content or a link past its time counts as forgotten at once; a pass frees its rows.
    private static let forgetInterval = 86_400

    /// Forgets the contents and index links not seen for `state.forget_after_days` days, saying how many.
    private func forgetUnseen() {
        do {
            let forgotten = try state.forgetUnseen()
            guard forgotten.contents + forgotten.links > 0 else { return }
            logger.info(
                "forgot contents and index links not seen for state.forget_after_days",
                metadata: [
                    "contents": "\(forgotten.contents)", "links": "\(forgotten.links)",
                    "days": "\(state.forgetAfterDays)",
                ])
        } catch {
            logger.error(
                "could not forget what was not seen for state.forget_after_days; trying again in a day",
                metadata: ["error": "\(error)"])
        }
    }

    /// Applies a changed configuration: the watched directories (and scan timing) change at once; keys that
    /// need a restart are named in the log. An invalid configuration is logged and the old one kept.
    private func reloadConfiguration() {
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
            let previous = directories.withLock { sources in
                defer { sources = replacement }
                return sources
            }
            previous.stop()
            current.withLock {
                $0.directories = new.directories
                $0.settleSeconds = new.settleSeconds
                $0.rescanSeconds = new.rescanSeconds
            }
            replacement.start { @Sendable [logger] in
                logger.info(
                    "configuration reloaded: watching",
                    metadata: ["watch": "\(new.directories.map(\.path).joined(separator: ","))"]
                )
            }
        } catch {
            logger.error("configuration not reloaded, keeping the one in force", metadata: ["error": "\(error)"])
        }
    }

    private static func makeDirectorySource(
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

    /// What `/metrics` says now.
    private var metricsSnapshot: MetricsSnapshot {
        var snapshot = MetricsSnapshot()
        let counts = pipeline.counts
        (snapshot.emitted, snapshot.duplicates, snapshot.failed) = (counts.emitted, counts.duplicates, counts.failed)
        let inFlight = pipeline.usage
        (snapshot.filesInFlight, snapshot.bytesInFlight) = (inFlight.files, inFlight.bytes)
        (snapshot.maxFilesInFlight, snapshot.maxBytesInFlight) = (inFlight.maxFiles, inFlight.maxBytes)
        snapshot.isPaused = pipeline.pause != nil
        snapshot.lastCommitMilliseconds = pipeline.lastCommitMilliseconds ?? 0
        snapshot.watchedDirectories = directories.withLock { $0 }.watchedDirectoryCount
        snapshot.startTimeSeconds = startTimeSeconds
        return snapshot
    }

    /// Counts for `STATUS=` and logs, and why the pipeline is paused when it is.
    private var statusLine: String {
        let counts = pipeline.counts
        let line = "emitted \(counts.emitted), duplicates \(counts.duplicates), failed \(counts.failed)"
        return pipeline.pause.map { line + "; paused: " + $0 } ?? line
    }

    /// Every status interval: `STATUS=` with counts, and `WATCHDOG=1` only once the writer has answered, so a
    /// stuck pipeline stops the pings and systemd restarts the service.
    private func tick() {
        notifier.notify("STATUS=\(statusLine)")
        guard notifier.watchdogIntervalMicroseconds != nil else { return }
        pipeline.heartbeat { @Sendable [notifier] in notifier.notify("WATCHDOG=1") }
    }
}
