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
    /// Signal sources, kept alive for the life of the process; touched only on `control`.
    nonisolated(unsafe) private var signalSources: [any DispatchSourceSignal] = []

    /// Opens the state store and the output (recovering from a crash) and prepares the sources.
    /// - Throws: what opening the state, output or inotify throws, naming the file.
    public init(settings: DaemonSettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
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
                signalSources.append(source)
            }
        }
        logger.info(
            "starting",
            metadata: [
                "watch": "\(settings.directories.map(\.path).joined(separator: ","))",
                "output": "\(settings.pipeline.outputPath)", "state": "\(settings.stateDirectory)",
                "workers": "\(settings.pipeline.workers)",
            ]
        )
        directories.start { @Sendable [logger] in logger.info("watching; ingesting the backlog") }
        dispatchMain()
    }

    private func handle(_ signalNumber: Int32) {
        guard signalNumber != SIGHUP else {
            logger.notice("SIGHUP received: output reopening and configuration reload are not supported yet; ignored")
            return
        }
        logger.info("stopping: finishing work in flight", metadata: ["signal": "\(signalNumber)"])
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
