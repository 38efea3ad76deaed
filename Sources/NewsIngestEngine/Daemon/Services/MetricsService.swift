import Logging
import ServiceLifecycle

/// Serves `/metrics` (``MetricsServer``) from start until the daemon exits: the first service of the group,
/// so the last to shut down, and a drain stays observable.
struct MetricsService: Service {
    let server: MetricsServer
    /// The configured address, reported with the port the server bound (`:0` picks one).
    let address: MetricsAddress
    let logger: Logger
    let snapshot: @Sendable () -> MetricsSnapshot

    func run() async throws {
        server.start(serving: snapshot)
        var bound = address
        bound.port = server.port
        logger.info("serving metrics", metadata: ["url": "http://\(bound)/metrics"])
        try? await gracefulShutdown()
    }
}
