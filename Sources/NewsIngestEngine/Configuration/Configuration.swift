import NewsFormat
import NewsIngestSystem

/// The daemon's configuration file (TOML), read into ``DaemonSettings``.
///
/// Every key is checked: an unknown key or a value of the wrong type or range is a ``ConfigurationError``
/// naming the key, the value and the reason. `config/newsingest.toml` documents every key; ``builtIn`` is the
/// same defaults, embedded, used when no file is given.
public enum Configuration {
    /// Why `path` cannot be used as a directory, when something other than a directory is there or above it
    /// (where the directory would be made); `nil` when it is a directory (or a link to one), or when nothing
    /// is there yet and it can be made.
    public static func notADirectory(_ path: String) -> String? {
        if let status = try? FileStatus(path: path) {
            return status.isDirectory ? nil : "is not a directory (a file is there)"
        }
        return DirectoryMaker.parent(of: path).flatMap(fileAbove)
    }

    /// Why the file at `path` (the output or the error log) cannot be written: a directory is there, or a
    /// file stands where its directory would be made; `nil` otherwise, and for `-` (standard output).
    public static func notAFile(_ path: String) -> String? {
        guard path != "-" else { return nil }
        if let status = try? FileStatus(path: path) {
            return status.isDirectory ? "is a directory, not a file" : nil
        }
        return JSONLOutput.directory(containing: path).flatMap(fileAbove)
    }

    /// The reason a directory cannot be made at or under `directory`: the nearest of it and its parents that
    /// exists is not a directory; `nil` when that one is a directory (or none exists).
    private static func fileAbove(_ directory: String) -> String? {
        var ancestor = directory
        while true {
            if let status = try? FileStatus(path: ancestor) {
                return status.isDirectory ? nil : "cannot be made: \(ancestor) is a file, not a directory"
            }
            guard let parent = DirectoryMaker.parent(of: ancestor) else { return nil }
            ancestor = parent
        }
    }

    /// The defaults: watch `seeds/`, write `out/articles.jsonl`.
    public static let builtIn = """
        [[source.directory]]
        path = "seeds"
        """

    /// Reads a configuration.
    /// - Parameters:
    ///   - text: the TOML text.
    ///   - source: where it came from, for errors.
    ///   - cores: the number of cores, for `workers = 0`.
    /// - Throws: ``ConfigurationError``.
    public static func parse(_ text: String, source: String, cores: Int) throws(ConfigurationError) -> DaemonSettings {
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationError(source: source, key: "", value: nil, line: error.line, reason: error.reason)
        }
        let reader = TableReader(table: table, prefix: "", source: source)
        try reader.allow(["source", "output", "state", "pipeline", "daemon", "cluster"])

        let output = try reader.table("output")
        try output.allow([
            "path", "errors", "fsync", "fsync_interval", "dedupe", "rotate_bytes", "rotate_daily", "jsonl", "nats",
        ])
        let state = try reader.table("state")
        try state.allow(["directory", "forget_after_days"])
        let pipeline = try reader.table("pipeline")
        try pipeline.allow([
            "workers", "max_in_flight", "max_in_flight_bytes", "max_file_bytes", "tone_style", "max_parse_seconds",
            "max_record_bytes",
        ])
        let daemon = try reader.table("daemon")
        try daemon.allow(["shutdown_timeout", "log_level", "metrics_address"])
        let sources = try reader.table("source")
        try sources.allow([
            "directory", "url", "settle", "rescan_interval", "user_agent", "ca_file", "max_transfers", "max_per_host",
            "max_retry_after", "min_interval_per_host", "max_crawl_delay",
        ])

        var directories: [DirectorySettings] = []
        for entry in try sources.tables("directory") {
            try entry.allow([
                "path", "recursive", "include", "exclude", "after", "done_directory", "quarantine", "follow_symlinks",
            ])
            var directory = DirectorySettings(
                path: try entry.directoryPath("path", required: true)!,
                recursive: try entry.bool("recursive") ?? false,
                include: try entry.strings("include") ?? ["*.txt"],
                exclude: try entry.strings("exclude") ?? []
            )
            directory.followSymlinks = try entry.choice("follow_symlinks", SymbolicLinkPolicy.self) ?? .inside
            let after = try entry.choice("after", FileDisposal.After.self) ?? .keep
            let done = try entry.directoryPath("done_directory")
            if after == .move, done == nil {
                throw entry.fail("done_directory", nil, "is required when after = \"move\"")
            }
            directory.disposal = FileDisposal(
                after: after,
                doneDirectory: done,
                quarantineDirectory: try entry.directoryPath("quarantine")
            )
            directories.append(directory)
        }
        var urls: [URLSettings] = []
        for entry in try sources.tables("url") {
            try entry.allow([
                "url", "kind", "interval", "headers", "timeout", "max_bytes", "include", "exclude", "start_at",
                "follow_hosts", "allow_private_addresses", "obey_robots", "discover_sitemaps", "discover_feeds",
            ])
            let address = try entry.string("url", required: true)!
            guard HTTPRequest.isFetchable(address) else {
                throw entry.fail("url", .string(address), "must be an http:// or https:// URL")
            }
            var url = URLSettings(url: address, kind: try entry.choice("kind", URLSettings.Kind.self) ?? .article)
            url.intervalSeconds = try entry.seconds("interval", in: 0.1...86_400) ?? 60
            url.headers = try entry.strings("headers") ?? []
            if let bad = url.headers.first(where: { !$0.contains(":") || $0.contains("\n") || $0.contains("\r") }) {
                // Only the name is shown: the value may be a credential.
                let name = String(bad.prefix { $0 != ":" && $0 != " " && !$0.isNewline }.prefix(64))
                throw entry.fail("headers", nil, "each header must be one line, \"Name: value\" (not so: \"\(name)…\")")
            }
            url.timeoutSeconds = try entry.seconds("timeout", in: 0.1...3600) ?? 30
            url.maxBytes = try entry.integer("max_bytes", in: 1...(1 << 34)) ?? 10 * 1024 * 1024
            url.include = try entry.strings("include") ?? ["*"]
            url.exclude = try entry.strings("exclude") ?? []
            url.startAt = try entry.choice("start_at", URLSettings.StartAt.self) ?? .beginning
            url.followHosts = try entry.strings("follow_hosts") ?? []
            url.allowPrivateAddresses = try entry.bool("allow_private_addresses") ?? false
            url.obeyRobots = try entry.bool("obey_robots") ?? true
            url.discoverSitemaps = try entry.bool("discover_sitemaps") ?? false
            url.discoverFeeds = try entry.bool("discover_feeds") ?? false
            for option in ["discover_sitemaps", "discover_feeds"] where url.kind == .article {
                if try entry.bool(option) == true {
                    throw entry.fail(option, .boolean(true), "applies to kind = \"index\" only")
                }
            }
            urls.append(url)
        }
        var fetch = FetchSettings()
        fetch.userAgent = try sources.string("user_agent") ?? fetch.userAgent
        fetch.caFile = try sources.string("ca_file")
        fetch.maxTransfers = try sources.integer("max_transfers", in: 1...1024) ?? fetch.maxTransfers
        fetch.maxPerHost = try sources.integer("max_per_host", in: 1...1024) ?? fetch.maxPerHost
        fetch.maxRetryAfterSeconds =
            try sources.seconds("max_retry_after", in: 0.1...604_800) ?? fetch.maxRetryAfterSeconds
        fetch.minIntervalPerHostSeconds =
            try sources.seconds("min_interval_per_host", in: 0...3600) ?? fetch.minIntervalPerHostSeconds
        fetch.maxCrawlDelaySeconds = try sources.seconds("max_crawl_delay", in: 0...3600) ?? fetch.maxCrawlDelaySeconds

        let workers = try pipeline.integer("workers", in: 0...1024) ?? 0
        let workerCount = workers == 0 ? max(1, cores) : workers
        let maxInFlight = try pipeline.integer("max_in_flight", in: 0...1_000_000) ?? 0
        var settings = DaemonSettings(
            directories: directories,
            pipeline: PipelineSettings(
                workers: workerCount,
                maxInFlight: maxInFlight == 0 ? PipelineSettings.defaultMaxInFlight(workers: workerCount) : maxInFlight,
                toneStyle: try pipeline.choice("tone_style", ToneStyle.self) ?? .press,
                dedupe: try output.choice("dedupe", DedupePolicy.self) ?? .content,
                maxFileBytes: try pipeline.integer("max_file_bytes", in: 1...(1 << 34)) ?? 10 * 1024 * 1024,
                sync: try output.choice("fsync", SyncPolicy.self) ?? .batch,
                outputPath: try output.filePath("path") ?? "out/articles.jsonl",
                errorsPath: try output.filePath("errors") ?? "out/errors.jsonl"
            ),
            stateDirectory: try state.directoryPath("directory") ?? "out/state",
            settleSeconds: try sources.seconds("settle", in: 0...3600) ?? 2,
            rescanSeconds: try sources.seconds("rescan_interval", in: 0.1...86_400) ?? 60,
            shutdownTimeoutSeconds: try daemon.seconds("shutdown_timeout", in: 0.1...3600) ?? 10,
            logLevel: try daemon.choice("log_level", LogLevelName.self)?.rawValue ?? "info"
        )
        settings.pipeline.maxInFlightBytes =
            try pipeline.integer("max_in_flight_bytes", in: (1 << 20)...(1 << 40)) ?? settings.pipeline.maxInFlightBytes
        settings.pipeline.maxParseSeconds =
            try pipeline.seconds("max_parse_seconds", in: 0.001...3600) ?? settings.pipeline.maxParseSeconds
        settings.pipeline.maxRecordBytes =
            try pipeline.integer("max_record_bytes", in: 4096...(1 << 34)) ?? settings.pipeline.maxRecordBytes
        settings.pipeline.rotateBytes = try output.integer("rotate_bytes", in: 0...(1 << 50)) ?? 0
        settings.pipeline.rotateDaily = try output.bool("rotate_daily") ?? false
        settings.pipeline.syncIntervalSeconds = try output.seconds("fsync_interval", in: 0.01...3600) ?? 1
        try readOutputs(output, into: &settings.pipeline)
        settings.forgetAfterDays = try state.integer("forget_after_days", in: 0...36_500) ?? 0
        if let text = try daemon.string("metrics_address"), !text.isEmpty {
            guard let address = MetricsAddress(text) else {
                throw daemon.fail(
                    "metrics_address", .string(text),
                    "must be an IPv4 address and a port, as \"127.0.0.1:9464\", or an IPv6 one in brackets, as \"[::1]:9464\""
                )
            }
            settings.metricsAddress = address
        }
        settings.urls = urls
        settings.fetch = fetch
        settings.cluster = try readCluster(try reader.table("cluster"), nats: settings.pipeline.nats)
        return settings
    }

    /// The log levels swift-log knows, by name.
    enum LogLevelName: String, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }
}

/// Reads one table of a configuration, checking each key it is asked for.
struct TableReader {
    let table: TOMLTable
    let prefix: String
    let source: String

    func fail(_ key: String, _ value: TOMLValue?, _ reason: String) -> ConfigurationError {
        ConfigurationError(
            source: source, key: prefix + key, value: value?.text, line: table.lines[key], reason: reason)
    }

    /// Rejects keys other than `known`.
    func allow(_ known: Set<String>) throws(ConfigurationError) {
        for key in table.keys where !known.contains(key) {
            throw fail(key, nil, "unknown key (known here: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func table(_ key: String) throws(ConfigurationError) -> TableReader {
        switch table[key] {
        case nil: return TableReader(table: TOMLTable(), prefix: prefix + key + ".", source: source)
        case .table(let child): return TableReader(table: child, prefix: prefix + key + ".", source: source)
        case let value?: throw fail(key, value, "must be a table")
        }
    }

    func tables(_ key: String) throws(ConfigurationError) -> [TableReader] {
        switch table[key] {
        case nil: return []
        case .array(let values)?:
            var readers: [TableReader] = []
            for (index, value) in values.enumerated() {
                guard case .table(let child) = value else { throw fail(key, value, "must be an array of tables") }
                readers.append(TableReader(table: child, prefix: "\(prefix)\(key)[\(index)].", source: source))
            }
            return readers
        case let value?: throw fail(key, value, "must be an array of tables ([[\(prefix)\(key)]])")
        }
    }

    func string(_ key: String, required: Bool = false) throws(ConfigurationError) -> String? {
        switch table[key] {
        case nil:
            if required { throw fail(key, nil, "is required") }
            return nil
        case .string(let value)?:
            guard !value.isEmpty else { throw fail(key, .string(value), "must not be empty") }
            return value
        case let value?: throw fail(key, value, "must be a string, not a \(value.typeName)")
        }
    }

    /// A string naming a directory: it may not exist yet (it is watched or created once it does), but
    /// something other than a directory at that path is a mistake to say at once.
    func directoryPath(_ key: String, required: Bool = false) throws(ConfigurationError) -> String? {
        guard let path = try string(key, required: required) else { return nil }
        if let reason = Configuration.notADirectory(path) { throw fail(key, .string(path), reason) }
        return path
    }

    /// A string naming a file the daemon writes: a directory at that path, or a file where its directory
    /// would be made, is a mistake to say at once.
    func filePath(_ key: String) throws(ConfigurationError) -> String? {
        guard let path = try string(key) else { return nil }
        if let reason = Configuration.notAFile(path) { throw fail(key, .string(path), reason) }
        return path
    }

    func strings(_ key: String) throws(ConfigurationError) -> [String]? {
        switch table[key] {
        case nil: return nil
        case .array(let values)?:
            return try values.map { (value: TOMLValue) throws(ConfigurationError) -> String in
                guard case .string(let text) = value else {
                    throw fail(key, .array(values), "must be an array of strings")
                }
                return text
            }
        case let value?: throw fail(key, value, "must be an array of strings")
        }
    }

    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        switch table[key] {
        case nil: return nil
        case .boolean(let value)?: return value
        case let value?: throw fail(key, value, "must be true or false")
        }
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        switch table[key] {
        case nil: return nil
        case .integer(let value)?:
            guard range.contains(Int(value)) else {
                throw fail(key, .integer(value), "must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return Int(value)
        case let value?: throw fail(key, value, "must be an integer")
        }
    }

    func seconds(_ key: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
        let seconds: Double
        switch table[key] {
        case nil: return nil
        case .integer(let value)?: seconds = Double(value)
        case .float(let value)?: seconds = value
        case let value?: throw fail(key, value, "must be a number of seconds")
        }
        guard range.contains(seconds) else {
            // `3600`, not `3600.0`: bounds as a person writes them.
            func written(_ bound: Double) -> String {
                bound == bound.rounded() ? String(Int(bound)) : String(bound)
            }
            throw fail(
                key, table[key], "must be between \(written(range.lowerBound)) and \(written(range.upperBound)) seconds"
            )
        }
        return seconds
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, _ type: Choice.Type) throws(ConfigurationError)
        -> Choice? where Choice.RawValue == String
    {
        switch table[key] {
        case nil: return nil
        case .string(let value)?:
            guard let choice = Choice(rawValue: value) else {
                let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail(key, .string(value), "must be one of \(names)")
            }
            return choice
        case let value?: throw fail(key, value, "must be a string")
        }
    }
}
