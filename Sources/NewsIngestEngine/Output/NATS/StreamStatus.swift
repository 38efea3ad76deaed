/// The JetStream sink's counts and state, for `/metrics` and `STATUS=`.
public struct StreamStatus: Sendable, Equatable {
    /// Publications handed to the client since the start (publications again after a lost acknowledgement
    /// included).
    public var published = 0
    /// Acknowledgements the stream gave, and those among them that said the stream had the message already.
    public var acknowledged = 0
    public var duplicates = 0
    /// Records the stream refused (error records).
    public var refused = 0
    /// Records written and not yet acknowledged, and the bound on publications awaiting acknowledgement.
    public var pendingAcks = 0
    public var maxPendingAcks = 0
    /// Reconnections since the start, and whether the client is connected now.
    public var reconnects = 0
    public var isConnected = true

    public init() {}
}

extension NATSSink {
    /// What reads the sink's status from any thread, while the sink itself stays on the writer's queue.
    struct Observer: Sendable {
        let publications: NATSPublications
        let events: NATSConnection.Events
        let maxPendingAcks: Int

        var status: StreamStatus {
            var status = StreamStatus()
            status.published = publications.published.load(ordering: .relaxed)
            status.acknowledged = publications.acknowledged.load(ordering: .relaxed)
            status.duplicates = publications.duplicates.load(ordering: .relaxed)
            status.refused = publications.refused.load(ordering: .relaxed)
            status.pendingAcks = publications.pending.load(ordering: .relaxed)
            status.maxPendingAcks = maxPendingAcks
            status.reconnects = events.reconnects.load(ordering: .relaxed)
            status.isConnected = events.isConnected.load(ordering: .relaxed)
            return status
        }
    }

    var observer: Observer {
        Observer(publications: publications, events: connection.events, maxPendingAcks: settings.maxPendingAcks)
    }
}
