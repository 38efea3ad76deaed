/// Several daemons sharing the work of URL sources (`[cluster]`): those with the same name fetch each link
/// of an index once between them, claiming it in a JetStream key-value bucket on the `[output.nats]` servers.
public struct ClusterSettings: Sendable, Equatable {
    /// The cluster's name (letters, digits, `-` and `_`): daemons with the same one share the work.
    public var name: String
    /// Seconds a claim holds: a link claimed by a daemon that died is fetched by another once this passed.
    /// Longer than any fetch, parse and commit of one article.
    public var claimLeaseSeconds = 60.0

    public init(name: String) {
        self.name = name
    }

    /// Why `name` cannot name a cluster (its buckets' names are made from it); `nil` when it can.
    public static func problem(withName name: String) -> String? { NATSSettings.problem(withName: name, maxBytes: 40) }

    /// The key-value bucket the cluster's claims on links live in.
    public var bucket: String { "newsingest_claims_" + name }
    /// The key-value bucket of its claims on polls of configured articles (one daemon polls each in each
    /// interval).
    public var pollBucket: String { "newsingest_polls_" + name }
}
