import ArgumentParser
import Foundation
import Logging
import NewsFormat
import NewsIngestEngine
import NewsIngestSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `newsingest run`: the long-running service.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch directories and append one normalized record per new article to a JSONL output.",
        discussion: """
            Settings come from --config (TOML; config/newsingest.toml documents every key), else from the \
            built-in defaults: watch seeds/, write out/articles.jsonl, keep state in out/state. Flags override \
            both. Every file version is emitted exactly once, across restarts and crashes. SIGTERM or SIGINT \
            finishes the work in flight and exits 0. A bad configuration exits 78.
            """
    )

    @Option(name: .long, help: "The configuration file (TOML). Default: the built-in configuration.")
    var config: String?

    @Option(name: .long, help: "A directory to watch (repeatable); replaces the configured directories.")
    var watch: [String] = []

    @Flag(name: .long, help: "Watch the --watch directories' subdirectories too.")
    var recursive = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Which symbolic links in the --watch directories are read: those to a file inside a watched directory "
                + "(the default), any, or never.",
            valueName: "inside|any|never"))
    var followSymlinks: SymbolicLinkPolicy = .inside

    @Option(name: .long, help: "A URL listing articles (HTML, RSS, Atom, sitemap or plain list) to poll (repeatable).")
    var indexURL: [String] = []

    @Option(name: .long, help: "A URL serving one article to poll (repeatable).")
    var articleURL: [String] = []

    @Option(name: .long, help: "The JSONL output, or - for standard output.")
    var output: String?

    @Option(name: .long, help: "The error log (JSONL): files that could not be parsed.")
    var errors: String?

    @OptionGroup(title: "JetStream")
    var nats: NATSOptions

    @Flag(name: .long, help: "Publish records into the JetStream stream only, not to the JSONL output.")
    var natsOnly = false

    @Option(
        name: .long,
        help: "Share the URL sources' links with the daemons of this cluster (claims kept on the NATS servers).")
    var cluster: String?

    @Option(name: .long, help: "Where the state database is kept.")
    var stateDir: String?

    @Option(name: .long, help: "Parallel parsers.")
    var workers: Int?

    @Option(name: .long, help: "Seconds a file found by a scan must be unchanged before it is read.")
    var settle: Double?

    @Option(name: .long, help: "Seconds between rescans of every watched directory.")
    var rescanInterval: Double?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(
        name: .long, help: "Serve Prometheus metrics at http://ADDRESS/metrics (IPv4 and a port, or [IPv6] and a port)."
    )
    var metricsAddress: String?

    func run() throws {
        let settings = try ConfigurationLoader.exitingOnProblem { try settingsWithOverrides() }
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        let environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, environment: environment) }
        let logger = Logger(label: "newsingest")
        let daemon: Daemon
        let command = self
        do {
            daemon = try Daemon(
                settings: settings,
                logger: logger,
                notifier: SystemdNotifier(environment: environment),
                reload: config == nil ? nil : { @Sendable in try command.settingsWithOverrides() }
            )
        } catch {
            var metadata: Logger.Metadata = ["error": "\(error)"]
            if let error = error as? SystemCallError,
                let advice = Inotify.limitAdvice(for: error) ?? MetricsServer.advice(for: error)
            {
                metadata["advice"] = "\(advice)"
            }
            if let error = error as? SQLiteError, let advice = StateStore.damageAdvice(for: error) {
                metadata["advice"] = "\(advice)"
            }
            logger.critical("cannot start", metadata: metadata)
            // A stream that differs from the configuration, or credentials the server refuses, will not mend
            // by themselves: a configuration error. An unreachable server may come up: 1, restarted.
            if error is NATSStreamMismatch || (error as? NATSError)?.isAuthorization == true {
                StandardStreams.printError("newsingest: configuration error: \(error)")
                throw ExitCode(78)
            }
            throw ExitCode(1)
        }
        daemon.run()
    }

    /// The configuration file (or the built-in one) with the command line's overrides applied.
    func settingsWithOverrides() throws -> DaemonSettings {
        var settings = try ConfigurationLoader.load(path: config)
        for (option, path) in watch.map({ ("--watch", $0) }) + (stateDir.map { [("--state-dir", $0)] } ?? []) {
            if let reason = Configuration.notADirectory(path) { throw ConfigurationLoader.fail(option, path, reason) }
        }
        for (option, path) in [("--output", output), ("--errors", errors)] {
            if let path, let reason = Configuration.notAFile(path) {
                throw ConfigurationLoader.fail(option, path, reason)
            }
        }
        if !watch.isEmpty {
            settings.directories = watch.map { path in
                var directory = DirectorySettings(path: path, recursive: recursive)
                directory.followSymlinks = followSymlinks
                return directory
            }
        }
        if let output { settings.pipeline.outputPath = output }
        settings.pipeline.nats = try nats.apply(to: settings.pipeline.nats)
        if natsOnly {
            guard settings.pipeline.nats != nil else {
                throw ConfigurationLoader.fail("--nats-only", nil, "needs a stream: --nats-url or [output.nats]")
            }
            settings.pipeline.recordsToFile = false
        }
        if let cluster {
            if let problem = ClusterSettings.problem(withName: cluster) {
                throw ConfigurationLoader.fail("--cluster", cluster, problem)
            }
            guard settings.pipeline.nats != nil else {
                throw ConfigurationLoader.fail("--cluster", cluster, "needs NATS: --nats-url or [output.nats]")
            }
            let lease = settings.cluster?.claimLeaseSeconds
            settings.cluster = ClusterSettings(name: cluster)
            if let lease { settings.cluster?.claimLeaseSeconds = lease }
        }
        if let errors { settings.pipeline.errorsPath = errors }
        if let stateDir { settings.stateDirectory = stateDir }
        if let workers {
            guard workers >= 1 else { throw ConfigurationLoader.fail("--workers", "\(workers)", "must be at least 1") }
            settings.pipeline.workers = workers
            settings.pipeline.maxInFlight = PipelineSettings.defaultMaxInFlight(workers: workers)
        }
        if let settle {
            guard settle >= 0 else { throw ConfigurationLoader.fail("--settle", "\(settle)", "must be >= 0") }
            settings.settleSeconds = settle
        }
        if let rescanInterval {
            guard rescanInterval >= 0.1 else {
                throw ConfigurationLoader.fail("--rescan-interval", "\(rescanInterval)", "must be >= 0.1")
            }
            settings.rescanSeconds = rescanInterval
        }
        if let metricsAddress {
            guard let address = MetricsAddress(metricsAddress) else {
                throw ConfigurationLoader.fail(
                    "--metrics-address", metricsAddress,
                    "must be an IPv4 address and a port, as 127.0.0.1:9464, or an IPv6 one in brackets, as [::1]:9464")
            }
            settings.metricsAddress = address
        }
        if let logLevel {
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ConfigurationLoader.fail(
                    "--log-level", logLevel, "must be one of trace, debug, info, notice, warning, error, critical")
            }
            settings.logLevel = logLevel
        }
        for (urls, kind) in [(indexURL, URLSettings.Kind.index), (articleURL, .article)] {
            for url in urls {
                guard HTTPRequest.isFetchable(url) else {
                    throw ConfigurationLoader.fail(
                        kind == .index ? "--index-url" : "--article-url", url, "must be an http:// or https:// URL")
                }
                settings.urls.append(URLSettings(url: url, kind: kind))
            }
        }
        guard !settings.directories.isEmpty || !settings.urls.isEmpty else {
            throw ConfigurationLoader.fail(
                "source.directory", nil, "nothing to watch: add a directory or a URL, or pass --watch or --index-url")
        }
        try ConfigurationLoader.checkDirectories(settings, file: config, fromFlag: watch.isEmpty ? nil : "--watch")
        try ConfigurationLoader.checkOwnFiles(
            settings, file: config,
            keys: [
                .output: output == nil ? "output.path" : "--output",
                .errors: errors == nil ? "output.errors" : "--errors",
                .state: stateDir == nil ? "state.directory" : "--state-dir",
            ])
        return settings
    }
}

/// `newsingest check-config [FILE]`: validates a configuration and prints what it means.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file; exit 78 with the key, value and reason when it is not usable."
    )

    @Argument(help: "The configuration file. Default: the built-in configuration.")
    var file: String?

    func run() throws {
        let settings = try ConfigurationLoader.exitingOnProblem {
            let settings = try ConfigurationLoader.load(path: file)
            try ConfigurationLoader.checkDirectories(settings, file: file, fromFlag: nil)
            try ConfigurationLoader.checkOwnFiles(
                settings, file: file,
                keys: [.output: "output.path", .errors: "output.errors", .state: "state.directory"])
            return settings
        }
        print("\(file ?? "<built-in>"): ok")
        for directory in settings.directories {
            print("  watch \(directory.path)\(directory.recursive ? " (recursive)" : "") include \(directory.include)")
        }
        for url in settings.urls {
            let seconds = url.intervalSeconds.formatted(.number.precision(.fractionLength(0...3)))
            print("  poll \(url.url) (\(url.kind.rawValue), every \(seconds) s)")
        }
        print("  output \(settings.pipeline.outputPath), errors \(settings.pipeline.errorsPath)")
        print("  state \(settings.stateDirectory), workers \(settings.pipeline.workers)")
        if let nats = settings.pipeline.nats {
            let servers = nats.servers.map(URLParts.withoutCredentials).joined(separator: ", ")
            let alone = settings.pipeline.recordsToFile ? "" : " only"
            print("  publish\(alone) to JetStream stream \(nats.stream), subject \(nats.subject), on \(servers)")
        }
        if let cluster = settings.cluster {
            print(
                "  cluster \(cluster.name): URL links claimed in \(cluster.bucket), lease \(cluster.claimLeaseSeconds) s"
            )
        }
    }
}

/// Reads the configuration file or the built-in one.
enum ConfigurationLoader {
    /// A configuration that cannot be used, from the file or a flag; `newsingest` exits 78 (`EX_CONFIG`).
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static func load(path: String?) throws(Problem) -> DaemonSettings {
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let text: String
        if let path {
            let bytes: [UInt8]
            do {
                bytes = try readFile(path)
            } catch let problem as Problem {
                throw problem
            } catch {
                throw Problem(description: "cannot read the configuration file: \(error)")
            }
            guard let valid = String(validating: bytes, as: UTF8.self) else {
                throw Problem(
                    description: "\(path):\(lineOfFirstInvalidByte(in: bytes)): not UTF-8 (save the file as UTF-8)")
            }
            text = valid
        } else {
            text = Configuration.builtIn
        }
        do {
            return try Configuration.parse(text, source: path ?? "<built-in>", cores: cores)
        } catch {
            throw Problem(description: error.description)
        }
    }

    /// The largest configuration file read (16 MiB): a few thousand sources take well under one.
    static let maxFileBytes = 1 << 24

    /// The bytes of the configuration at `path`: a regular file, or a pipe that has a writer
    /// (`--config <(generate-config)`). Anything else is refused rather than waited on or read without end: a
    /// directory, a device (`/dev/zero`), a named pipe nobody writes to (opened without waiting for a writer,
    /// it reads as empty at once).
    static func readFile(_ path: String) throws -> [UInt8] {
        let file = try FileDescriptor(openingForReading: path, waitingForAWriter: false)
        let status = try file.status()
        if status.isRegularFile { return try file.readAll(limit: maxFileBytes) }
        guard status.isPipe else {
            let what = status.isDirectory ? "a directory" : "not a regular file (a device or a socket)"
            throw Problem(description: "\(path): the configuration is \(what); give the path of a TOML file")
        }
        // A pipe: wait for what its writer writes, up to its end.
        try file.makeBlocking()
        let bytes = try file.readAll(limit: maxFileBytes)
        guard !bytes.isEmpty else {
            throw Problem(
                description: "\(path): the configuration is a pipe that gave nothing (a named pipe nobody writes "
                    + "to?); give the path of a TOML file")
        }
        return bytes
    }

    /// The line (from 1) holding the first byte of `bytes` that is not part of valid UTF-8.
    static func lineOfFirstInvalidByte(in bytes: [UInt8]) -> Int {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: break decoding
            }
        }
        return bytes[..<min(offset, bytes.count)].count { $0 == 0x0A } + 1
    }

    /// Rejects watched directories that overlap (see ``DirectoryOverlap``), naming the later one: by `fromFlag`
    /// (`--watch`) when a flag set them, else by its key in the configuration `file` (`nil`: the built-in one).
    static func checkDirectories(_ settings: DaemonSettings, file: String?, fromFlag: String?) throws(Problem) {
        guard let overlap = settings.directoryOverlap(workingDirectory: FileManager.default.currentDirectoryPath)
        else { return }
        if let fromFlag { throw fail(fromFlag, overlap.path, overlap.description) }
        throw Problem(
            description: "\(file ?? "<built-in>"): source.directory[\(overlap.index)].path = \"\(overlap.path)\": "
                + "\(overlap)")
    }

    /// Rejects a configuration that would take back a file the daemon writes (see ``OwnFileConflict``),
    /// naming the setting by `keys`: a flag (`--output`) when one set it, else a key of the configuration
    /// `file` (`nil`: the built-in one).
    static func checkOwnFiles(
        _ settings: DaemonSettings, file: String?, keys: [OwnFileConflict.File: String]
    ) throws(Problem) {
        guard let conflict = settings.ownFileConflict(workingDirectory: FileManager.default.currentDirectoryPath)
        else { return }
        let key = keys[conflict.file] ?? conflict.file.rawValue
        guard !key.hasPrefix("--") else { throw fail(key, conflict.path, conflict.description) }
        throw Problem(description: "\(file ?? "<built-in>"): \(key) = \"\(conflict.path)\": \(conflict)")
    }

    static func fail(_ option: String, _ value: String?, _ reason: String) -> Problem {
        Problem(description: "\(option)\(value.map { " \($0)" } ?? ""): \(reason)")
    }

    /// Runs `body`, turning a ``Problem`` into a message on standard error and exit status 78.
    static func exitingOnProblem<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let problem as Problem {
            StandardStreams.printError("newsingest: configuration error: \(problem)")
            throw ExitCode(78)  // EX_CONFIG
        }
    }
}

/// `--follow-symlinks inside|any|never`.
extension SymbolicLinkPolicy: ExpressibleByArgument {}
