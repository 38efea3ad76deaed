import Logging

extension Daemon {
    /// The claims of the configured cluster, joined on the `[output.nats]` servers; `nil` without `[cluster]`.
    static func joinCluster(_ settings: DaemonSettings, logger: Logger) throws -> ClusterClaims? {
        guard let cluster = settings.cluster, let nats = settings.pipeline.nats else { return nil }
        return try ClusterClaims(settings: cluster, nats: nats, logger: logger)
    }
}
