import CNATS
import Crypto
import Logging
import NewsFormat
import NewsIngestSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The claims of a cluster's daemons on the links they fetch, in a JetStream key-value bucket: a link is
/// claimed before its fetch (`kvStore_Create` succeeds for one daemon only), marked done once its outcome is
/// committed, and released when its fetch is to be tried again later. A claim older than the lease, of a
/// daemon that died, is taken over (an update conditional on the revision read: one daemon wins that too).
///
/// Each key is the SHA-256 of the URL; its value is `done`, or `claimed MEMBER MILLISECONDS`. A second bucket,
/// whose entries last a day, holds claims on the polls of configured article URLs: one key per URL and
/// interval, created by the one daemon that polls it then.
final class ClusterClaims: @unchecked Sendable {
    /// What a claim came to.
    enum Claim: Equatable {
        /// This daemon fetches it.
        case won
        /// This daemon fetches it: the claim of another had outlived its lease.
        case takenOver
        /// Another daemon holds it now: asked again at the next poll.
        case heldElsewhere
        /// Another daemon fetched and committed it.
        case doneElsewhere
        /// The bucket could not be asked (NATS unreachable): asked again at the next poll.
        case unavailable
    }

    let settings: ClusterSettings
    private let connection: NATSConnection
    private let store: OpaquePointer
    /// The bucket of poll claims: one key per configured article URL and interval, kept a day.
    private let polls: OpaquePointer
    private let member: String
    private let logger: Logger
    /// Counts since the start, for the metrics.
    let counts = Mutex<[String: Int]>([:])

    /// Connects to `nats.servers` and binds the cluster's bucket, making it when missing.
    init(settings: ClusterSettings, nats: NATSSettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        let connection = try NATSConnection(
            settings: nats, name: "newsingest cluster \(settings.name)", logger: logger)
        self.connection = connection
        member = "\(Self.hostName())-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        store = try Self.bucket(settings.bucket, ttlSeconds: 0, on: connection)
        polls = try Self.bucket(settings.pollBucket, ttlSeconds: 86_400, on: connection)
        logger.info("joined the cluster", metadata: ["cluster": "\(settings.name)", "member": "\(member)"])
    }

    deinit {
        kvStore_Destroy(store)
        kvStore_Destroy(polls)
    }

    /// Binds the bucket `name`, making it when missing (file storage, one value per key, entries removed
    /// after `ttlSeconds` unless 0).
    private static func bucket(_ name: String, ttlSeconds: Double, on connection: NATSConnection) throws(NATSError)
        -> OpaquePointer
    {
        var store: OpaquePointer?
        var status = js_KeyValue(&store, connection.jetStream, name)
        if status != NATS_OK {
            var config = kvConfig()
            kvConfig_Init(&config)
            config.History = 1
            config.StorageType = js_FileStorage
            config.TTL = Int64(ttlSeconds * 1e9)
            status = name.withCString { bucket in
                config.Bucket = bucket
                return js_CreateKeyValue(&store, connection.jetStream, &config)
            }
        }
        guard status == NATS_OK, let store else {
            throw NATSError("opening the cluster's key-value bucket \(name)", status: status)
        }
        return store
    }

    /// True when this daemon polls the configured article `url` in the current interval (of
    /// `intervalSeconds`, counted from 1970): the first daemon of the cluster to ask does.
    func claimPoll(of url: String, intervalSeconds: Double) -> Bool {
        guard connection.events.isConnected.load(ordering: .relaxed) else { return false }
        let slot = Int64(Double(WallClock.nowMilliseconds()) / 1000 / intervalSeconds)
        var revision: UInt64 = 0
        return kvStore_CreateString(&revision, polls, Self.key(of: url) + ".\(slot)", claimValue()) == NATS_OK
    }

    /// Claims `url` for this daemon, unless another holds it or has done it.
    func claim(_ url: String) -> Claim {
        // Disconnected, a request would wait its whole timeout: the link is asked for at the next poll.
        guard connection.events.isConnected.load(ordering: .relaxed) else { return counted(.unavailable) }
        let key = Self.key(of: url)
        let claim = claimValue()
        var revision: UInt64 = 0
        let created = kvStore_CreateString(&revision, store, key, claim)
        if created == NATS_OK { return counted(.won) }
        var entry: OpaquePointer?
        guard kvStore_Get(&entry, store, key) == NATS_OK, let entry else {
            // Gone between the two (a release): asked again at the next poll.
            return counted(created == NATS_ERR ? .heldElsewhere : .unavailable)
        }
        defer { kvEntry_Destroy(entry) }
        let value = kvEntry_ValueString(entry).map { String(cString: $0) } ?? ""
        if value == "done" { return counted(.doneElsewhere) }
        let fields = value.split(separator: " ")
        guard fields.count == 3, let since = Int64(fields[2]),
            WallClock.nowMilliseconds() - since > Int64(settings.claimLeaseSeconds * 1000)
        else { return counted(.heldElsewhere) }
        let updated = kvStore_UpdateString(&revision, store, key, claim, kvEntry_Revision(entry))
        guard updated == NATS_OK else { return counted(.heldElsewhere) }
        logger.info(
            "took over a link whose claim outlived its lease",
            metadata: ["url": "\(URLParts.withoutCredentials(url))", "claimed_by": "\(fields[1])"])
        return counted(.takenOver)
    }

    /// Marks `url` done: its outcome is committed; no daemon of the cluster fetches it again.
    func markDone(_ url: String) {
        var revision: UInt64 = 0
        if kvStore_PutString(&revision, store, Self.key(of: url), "done") != NATS_OK {
            // Its claim then lapses after the lease, and another daemon may fetch it again: its record has the
            // same message id, which the stream's duplicate window catches.
            logger.warning(
                "could not mark a link done in the cluster's bucket",
                metadata: ["url": "\(URLParts.withoutCredentials(url))"])
        }
    }

    /// Gives `url` back: its fetch is to be tried again, by whichever daemon polls its index next.
    func release(_ url: String) {
        _ = kvStore_Delete(store, Self.key(of: url))
    }

    private func claimValue() -> String { "claimed \(member) \(WallClock.nowMilliseconds())" }

    private func counted(_ claim: Claim) -> Claim {
        counts.withLock { $0["\(claim)", default: 0] += 1 }
        return claim
    }

    /// This machine's name, for the claims' values (what a log names when a claim is taken over).
    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
        return String(textBefore: buffer)
            .filter { $0 != " " }
    }

    /// The bucket's key for `url`: hex SHA-256 (keys take only some characters, and URLs may be long).
    static func key(of url: String) -> String {
        LowercaseHex.text(of: SHA256.hash(data: Array(url.utf8)))
    }
}
