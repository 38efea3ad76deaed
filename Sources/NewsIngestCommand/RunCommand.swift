import ArgumentParser
import Logging
import NewsFormat
import NewsIngestEngine

#if canImport(Glibc)
    import Glibc
#endif

/// `newsingest run`: the long-running service.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch directories and append one normalized record per new article to a JSONL output.",
        discussion: """
            With no --watch, watches seeds/ and writes out/articles.jsonl (the embedded default). Every file \
            version is emitted exactly once, across restarts and crashes: the state store (SQLite, in \
            --state-dir) and the output are committed together. SIGTERM or SIGINT finishes the work in flight \
            and exits 0.
            """
    )

    @Option(name: .long, help: "A directory to watch (repeatable). Default: seeds.")
    var watch: [String] = []

    @Flag(name: .long, help: "Watch subdirectories too.")
    var recursive = false

    @Option(name: .long, help: "File names to take, as a glob (repeatable). Default: *.txt.")
    var include: [String] = []

    @Option(name: .long, help: "File names to skip, as a glob (repeatable); dot-files, *.tmp, *.part, *.swp always.")
    var exclude: [String] = []

    @Option(name: .long, help: "The JSONL output, or - for standard output.")
    var output = "out/articles.jsonl"

    @Option(name: .long, help: "The error log (JSONL): files that could not be parsed.")
    var errors = "out/errors.jsonl"

    @Option(name: .long, help: "Where the state database is kept.")
    var stateDir = "out/state"

    @Option(name: .long, help: "Parallel parsers. Default: the number of cores.")
    var workers: Int?

    @Option(name: .long, help: "content: identical content is emitted once; none: every time.")
    var dedupe: DedupePolicy = .content

    @Option(name: .long, help: "batch: fdatasync before a batch is committed; never: leave it to the kernel.")
    var fsync: SyncPolicy = .batch

    @Option(name: .long, help: "Seconds a file found by a scan must be unchanged before it is read.")
    var settle: Double = 2

    @Option(name: .long, help: "Seconds between rescans of every watched directory.")
    var rescanInterval: Double = 60

    @Option(name: .long, help: "Seconds SIGTERM waits for work in flight.")
    var shutdownTimeout: Double = 10

    @Option(name: .long, help: "Largest file read, in bytes; larger files go to the error log.")
    var maxBytes: Int = 10 * 1024 * 1024

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @OptionGroup var toneStyle: ToneStyleOption

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level: '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        if let workers, workers < 1 { throw ValidationError("--workers: must be at least 1, not \(workers)") }
        guard settle >= 0, rescanInterval > 0, shutdownTimeout > 0 else {
            throw ValidationError("--settle must be >= 0, --rescan-interval and --shutdown-timeout > 0")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "newsingest")
        let workerCount = workers ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let directories = (watch.isEmpty ? ["seeds"] : watch).map { path in
            DirectorySettings(
                path: path,
                recursive: recursive,
                include: include.isEmpty ? ["*.txt"] : include,
                exclude: exclude
            )
        }
        let settings = DaemonSettings(
            directories: directories,
            pipeline: PipelineSettings(
                workers: workerCount,
                maxInFlight: workerCount * 16,
                toneStyle: toneStyle.toneStyle,
                dedupe: dedupe,
                maxFileBytes: maxBytes,
                sync: fsync,
                outputPath: output,
                errorsPath: errors
            ),
            stateDirectory: stateDir,
            settleSeconds: settle,
            rescanSeconds: rescanInterval,
            shutdownTimeoutSeconds: shutdownTimeout
        )
        let daemon: Daemon
        do {
            daemon = try Daemon(settings: settings, logger: logger)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        daemon.run()
    }
}

extension DedupePolicy: ExpressibleByArgument {}
extension SyncPolicy: ExpressibleByArgument {}
