import Dispatch
import Foundation
import Logging
import NewsIngestSystem
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The long-running service: its parts run as services of a `ServiceGroup` (swift-service-lifecycle), in
/// this order: ``MetricsService``, ``StatusService``, ``PipelineDrainService``, ``SourcesService``. A graceful
/// shutdown stops them in the reverse order: the sources first, then the pipeline drains, then the timers and
/// the metrics end.
///
/// `SIGTERM`/`SIGINT`: stop taking new work, finish and commit what is in flight, exit 0 (or 1 when that
/// takes longer than the shutdown timeout). `SIGHUP`: reopen the output and reload the configuration.
public final class Daemon: Sendable {
    let settings: DaemonSettings
    let logger: Logger
    let state: StateStore
    let pipeline: IngestPipeline
    /// The directory and URL sources.
    let sources: SourcesService
    /// The services, run by ``run()``.
    private let group: ServiceGroup
    /// The settings in force (the directory part changes on reload).
    let current: Mutex<DaemonSettings>
    /// Reads the configuration again for `SIGHUP`; `nil` when there is no file to reload.
    let reload: (@Sendable () throws -> DaemonSettings)?
    private let control = DispatchQueue(label: "newsingest.control")
    /// Where `SIGHUP` reads the configuration again, one reload at a time.
    private let reloading = DispatchQueue(label: "newsingest.reload")
    private let notifier: SystemdNotifier
    /// Signal sources, kept alive for the life of the process.
    private let signalSources: QueueBound<[any DispatchSourceProtocol]>

    /// The signals the daemon handles: stop (`SIGTERM`, `SIGINT`) and reopen/reload (`SIGHUP`).
    private static let handledSignals = [SIGTERM, SIGINT, SIGHUP]

    /// Opens the state store and the output (recovering from a crash) and prepares the services.
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
        signalSources = QueueBound([], on: control)
        try SignalMask.block(Self.handledSignals)
        // A write past the largest file the daemon may write (`LimitFSIZE=`) fails with `EFBIG`, which the
        // writer handles, rather than raising `SIGXFSZ`, which would kill the process.
        try ProcessControl.ignore(SIGXFSZ)
        try DirectoryMaker.make(settings.stateDirectory)
        for path in [settings.pipeline.outputPath, settings.pipeline.errorsPath] {
            if let directory = JSONLOutput.directory(containing: path) { try DirectoryMaker.make(directory) }
        }
        let state = try StateStore(
            directory: settings.stateDirectory, forgetAfterDays: settings.forgetAfterDays,
            recordsFileContents: settings.pipeline.dedupe == .none)
        let pipeline = try IngestPipeline(settings: settings.pipeline, state: state, logger: logger)
        (self.state, self.pipeline) = (state, pipeline)
        let urls: URLSource? =
            settings.urls.isEmpty
            ? nil
            : URLSource(
                sources: settings.urls, fetch: settings.fetch, toneStyle: settings.pipeline.toneStyle,
                pipeline: pipeline, state: state, cluster: try Self.joinCluster(settings, logger: logger),
                logger: logger)
        let statusLine = { @Sendable in Self.statusLine(of: pipeline) }
        let sources = SourcesService(
            directories: try Self.makeDirectorySource(settings, pipeline: pipeline, state: state, logger: logger),
            urls: urls
        ) { @Sendable [logger, notifier] in
            logger.info("watching; ingesting the backlog")
            notifier.notify("READY=1\nSTATUS=\(statusLine())")
        }
        self.sources = sources
        // Looked after last at shutdown; when it finds the state's file displaced, the group shuts down
        // gracefully and the daemon exits 1.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(
                service: StateGuardService(state: state, logger: logger, interval: .seconds(1)) {
                    @Sendable [control, notifier, logger, timeout = settings.shutdownTimeoutSeconds] _ in
                    notifier.notify("STOPPING=1\nSTATUS=stopping: the state database was removed or replaced")
                    Self.exitAfterShutdownTimeout(timeout, on: control, logger: logger)
                },
                failureTerminationBehavior: .gracefullyShutdownGroup)
        ]
        if let address = settings.metricsAddress {
            let server = try MetricsServer(address: address, logger: logger)
            let startTimeSeconds = Double(WallClock.nowMilliseconds()) / 1000
            services.append(
                .init(
                    service: MetricsService(server: server, address: address, logger: logger) { @Sendable in
                        Self.metricsSnapshot(
                            of: pipeline, sources: sources, urls: urls, startTimeSeconds: startTimeSeconds)
                    }))
        }
        services.append(
            .init(
                service: StatusService(
                    pipeline: pipeline, state: state, notifier: notifier, logger: logger, statusLine: statusLine,
                    queue: control, upkeep: DispatchQueue(label: "newsingest.state-upkeep", qos: .utility))))
        services.append(.init(service: PipelineDrainService(pipeline: pipeline, state: state, logger: logger)))
        services.append(.init(service: sources))
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                // No signals of the group's own: it would set them to SIG_IGN, discarding one that arrived
                // while the daemon started; the daemon's signal sources trigger the shutdown instead.
                services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
    }

    /// Starts everything and never returns: the process exits once the services have shut down, or from the
    /// shutdown timeout.
    public func run() -> Never {
        takeSignals()
        logger.info(
            "starting",
            metadata: [
                "watch": "\(settings.directories.map(\.path).joined(separator: ","))",
                "urls": "\(settings.urls.count)",
                "output": "\(settings.pipeline.outputPath)", "state": "\(settings.stateDirectory)",
                "workers": "\(settings.pipeline.workers)",
            ]
        )
        Task.detached { [group, logger] in
            do {
                try await group.run()
                ProcessControl.exit(0)
            } catch {
                logger.error("a service of the daemon failed; exiting", metadata: ["error": "\(error)"])
                ProcessControl.exit(1)
            }
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
                signalSources.wrapped.append(source)
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
            // Away from the signals: a `SIGTERM` arriving while a large configuration is read is acted on at once.
            reloading.async { @Sendable [self] in
                reloadConfiguration()
                pipeline.heartbeat { @Sendable [self] in
                    notifier.notify("READY=1\nSTATUS=\(Self.statusLine(of: pipeline))")
                }
            }
            return
        }
        logger.info("stopping: finishing work in flight", metadata: ["signal": "\(signalNumber)"])
        notifier.notify("STOPPING=1\nSTATUS=stopping: finishing work in flight")
        Task.detached { [group] in await group.triggerGracefulShutdown() }
        Self.exitAfterShutdownTimeout(settings.shutdownTimeoutSeconds, on: control, logger: logger)
    }

    /// Exits with status 1 `timeout` seconds from now, unless the shutdown begun has ended the process by then.
    static func exitAfterShutdownTimeout(_ timeout: Double, on queue: DispatchQueue, logger: Logger) {
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(timeout * 1000))) { @Sendable in
            logger.error(
                "work in flight did not finish within the shutdown timeout; exiting",
                metadata: ["seconds": "\(timeout)"])
            ProcessControl.exit(1)
        }
    }

}
