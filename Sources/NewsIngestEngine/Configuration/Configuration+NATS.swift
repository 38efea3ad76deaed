import NewsIngestSystem

extension Configuration {
    /// The keys of `[output.nats]`.
    static let natsKeys: Set<String> = [
        "servers", "stream", "subject", "credentials", "nkey_seed", "token", "ca_file", "connect_timeout",
        "ack_timeout", "max_pending_acks", "duplicate_window", "max_age", "max_bytes", "discard",
    ]

    /// Reads `[output.nats]` (`nil` when absent) and `output.jsonl` into `pipeline`.
    static func readOutputs(_ output: TableReader, into pipeline: inout PipelineSettings) throws(ConfigurationError) {
        let table = try output.table("nats")
        if !table.table.keys.isEmpty {
            try table.allow(natsKeys)
            pipeline.nats = try readNATS(table)
        }
        pipeline.recordsToFile = try output.bool("jsonl") ?? true
        if !pipeline.recordsToFile, pipeline.nats == nil {
            throw output.fail("jsonl", .boolean(false), "records must go somewhere: set [output.nats] too")
        }
    }

    private static func readNATS(_ table: TableReader) throws(ConfigurationError) -> NATSSettings {
        guard let servers = try table.strings("servers"), !servers.isEmpty else {
            throw table.fail("servers", nil, "is required: the NATS servers, as [\"nats://127.0.0.1:4222\"]")
        }
        for server in servers where !isNATSURL(server) {
            throw table.fail("servers", .string(server), "each must be a nats://, tls:// URL or host:port")
        }
        var settings = NATSSettings(servers: servers)
        if let stream = try table.string("stream") {
            if let problem = NATSSettings.problem(withName: stream) {
                throw table.fail("stream", .string(stream), problem)
            }
            settings.stream = stream
        }
        if let subject = try table.string("subject") {
            if let problem = NATSSettings.problem(withSubject: subject) {
                throw table.fail("subject", .string(subject), problem)
            }
            settings.subject = subject
        }
        settings.credentialsFile = try table.string("credentials")
        settings.nkeySeedFile = try table.string("nkey_seed")
        settings.token = try table.string("token")
        settings.caFile = try table.string("ca_file")
        settings.connectTimeoutSeconds = try table.seconds("connect_timeout", in: 0.1...600) ?? 5
        settings.ackTimeoutSeconds = try table.seconds("ack_timeout", in: 0.1...3600) ?? 10
        settings.maxPendingAcks = try table.integer("max_pending_acks", in: 1...1_000_000) ?? 4096
        settings.duplicateWindowSeconds = try table.seconds("duplicate_window", in: 1...604_800) ?? 120
        settings.maxAgeSeconds = try table.seconds("max_age", in: 0...(100 * 365 * 86_400)) ?? 0
        settings.maxBytes = Int64(try table.integer("max_bytes", in: 0...(1 << 60)) ?? 0)
        settings.discard = try table.choice("discard", NATSSettings.Discard.self) ?? .old
        if settings.maxAgeSeconds > 0, settings.maxAgeSeconds < settings.duplicateWindowSeconds {
            throw table.fail(
                "duplicate_window", nil, "must not be longer than max_age (\(settings.maxAgeSeconds) s)")
        }
        for (key, path) in [
            ("credentials", settings.credentialsFile), ("nkey_seed", settings.nkeySeedFile),
            ("ca_file", settings.caFile),
        ] {
            guard let path else { continue }
            guard let status = try? FileStatus(path: path), status.isRegularFile else {
                throw table.fail(key, .string(path), "no such file")
            }
        }
        return settings
    }

    /// True for `nats://host:port`, `tls://host:port` (with user information or not) and `host:port`.
    public static func isNATSURL(_ text: String) -> Bool {
        guard !text.contains(where: { $0 == " " || $0.isNewline }), !text.isEmpty else { return false }
        for scheme in ["nats://", "tls://", "ws://", "wss://"] where text.hasPrefix(scheme) {
            return text.count > scheme.count
        }
        return !text.contains("://")
    }

    /// Reads `[cluster]` (`nil` when absent); the cluster's claims live on the `[output.nats]` servers.
    static func readCluster(_ table: TableReader, nats: NATSSettings?) throws(ConfigurationError) -> ClusterSettings? {
        guard !table.table.keys.isEmpty else { return nil }
        try table.allow(["name", "claim_lease"])
        guard let name = try table.string("name", required: true) else { return nil }
        if let problem = ClusterSettings.problem(withName: name) { throw table.fail("name", .string(name), problem) }
        guard nats != nil else {
            throw table.fail("name", .string(name), "a cluster shares its claims through NATS: set [output.nats] too")
        }
        var cluster = ClusterSettings(name: name)
        cluster.claimLeaseSeconds = try table.seconds("claim_lease", in: 1...86_400) ?? 60
        return cluster
    }
}
