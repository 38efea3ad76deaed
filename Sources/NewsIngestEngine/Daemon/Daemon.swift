import Dispatch
import Logging
import NewsIngestSystem

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
    private let directories: DirectorySource
    private let control = DispatchQueue(label: "newsingest.control")
    private let notifier: SystemdNotifier
    /// Signal sources and timers, kept alive for the life of the process; touched only on `control`.
    nonisolated(unsafe) private var controlSources: [any DispatchSourceProtocol] = []

    /// Opens the state store and the output (recovering from a crash) and prepares the sources.
    /// - Throws: what opening the state, output or inotify throws, naming the file.
    public init(settings: DaemonSettings, logger: Logger, notifier: SystemdNotifier) throws {
        self.settings = settings
        self.logger = logger
        self.notifier = notifier
        try Self.makeDirectory(settings.stateDirectory)
        for path in [settings.pipeline.outputPath, settings.pipeline.errorsPath] where path != "-" {
            if let slash = path.lastIndex(of: "/") { try Self.makeDirectory(String(path[..<slash])) }
        }
        state = try StateStore(directory: settings.stateDirectory)
        pipeline = try IngestPipeline(settings: settings.pipeline, state: state, logger: logger)
        directories = try DirectorySource(
            directories: settings.directories,
            pipeline: pipeline,
            state: state,
            logger: logger,
            settleSeconds: settings.settleSeconds,
            rescanSeconds: settings.rescanSeconds
        )
    }

    /// Starts everything and never returns: the process ends from a signal handler.
    public func run() -> Never {
        control.sync {
            for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
                signal(signalNumber, SIG_IGN)  // Dispatch takes the signal through signalfd instead
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: control)
                source.setEventHandler { @Sendable [self] in handle(signalNumber) }
                source.resume()
                controlSources.append(source)
            }
            let status = DispatchSource.makeTimerSource(queue: control)
            // STATUS= every 10 s, or at the watchdog's pace when that is faster.
            let microseconds = min(notifier.watchdogIntervalMicroseconds ?? 10_000_000, 10_000_000)
            let interval = DispatchTimeInterval.microseconds(Int(max(10_000, microseconds)))
            status.schedule(deadline: .now() + interval, repeating: interval)
            status.setEventHandler { @Sendable [self] in tick() }
            status.resume()
            controlSources.append(status)
        }
        logger.info(
            "starting",
            metadata: [
                "watch": "\(settings.directories.map(\.path).joined(separator: ","))",
                "output": "\(settings.pipeline.outputPath)", "state": "\(settings.stateDirectory)",
                "workers": "\(settings.pipeline.workers)",
            ]
        )
        directories.start { @Sendable [self] in
            logger.info("watching; ingesting the backlog")
            notifier.notify("READY=1\nSTATUS=\(statusLine)")
        }
        dispatchMain()
    }

    private func handle(_ signalNumber: Int32) {
        guard signalNumber != SIGHUP else {
            logger.info("SIGHUP: reopening the output")
            notifier.notify("RELOADING=1")
            pipeline.reopenOutputs()
            pipeline.heartbeat { @Sendable [self] in notifier.notify("READY=1\nSTATUS=\(statusLine)") }
            return
        }
        logger.info("stopping: finishing work in flight", metadata: ["signal": "\(signalNumber)"])
        notifier.notify("STOPPING=1\nSTATUS=stopping: finishing work in flight")
        directories.stop()
        pipeline.whenIdle(queue: control) { @Sendable [self] in
            let counts = pipeline.counts
            logger.info(
                "stopped",
                metadata: [
                    "emitted": "\(counts.emitted)", "duplicates": "\(counts.duplicates)", "failed": "\(counts.failed)",
                ]
            )
            exit(0)
        }
        let timeout = settings.shutdownTimeoutSeconds
        control.asyncAfter(deadline: .now() + .milliseconds(Int(timeout * 1000))) { @Sendable [logger] in
            logger.error(
                "work in flight did not finish within the shutdown timeout; exiting",
                metadata: ["seconds": "\(timeout)"])
            exit(1)
        }
    }

    /// Counts for `STATUS=` and logs.
    private var statusLine: String {
        let counts = pipeline.counts
        return "emitted \(counts.emitted), duplicates \(counts.duplicates), failed \(counts.failed)"
    }

    /// Every status interval: `STATUS=` with counts, and `WATCHDOG=1` only once the writer has answered, so a
    /// stuck pipeline stops the pings and systemd restarts the service.
    private func tick() {
        notifier.notify("STATUS=\(statusLine)")
        guard notifier.watchdogIntervalMicroseconds != nil else { return }
        pipeline.heartbeat { @Sendable [notifier] in notifier.notify("WATCHDOG=1") }
    }

    private static func makeDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw SystemCallError(call: "mkdir", subject: prefix, errno: errno)
            }
        }
    }
}
