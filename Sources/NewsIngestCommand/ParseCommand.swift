import ArgumentParser
import Dispatch
import Foundation
import NewsFormat
import NewsIngestEngine
import NewsIngestSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `newsingest parse [FILE|DIR...]`: one JSON record per file on standard output, parsed on every core.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Print one JSON record (schema newsingest.article/1) per article file, one line each.",
        discussion: """
            With no FILE and no --files-from, or with -, reads standard input. A directory is walked \
            recursively (names matching --include and not --exclude; hidden files and directories, *.tmp, \
            *.part and *.swp skipped). Files are parsed on --workers cores and their records written in the \
            order given (--unordered: as they are ready). A file that cannot be parsed is reported on \
            standard error with its path and the reason; the other files are still printed, and the exit \
            status is 1. On a terminal, standard error shows a progress line (--progress: anywhere; \
            --quiet: never) and a summary at the end.
            """
    )

    @OptionGroup var toneStyle: ToneStyleOption

    @Option(name: .long, help: "Largest file read, in bytes; larger files are reported and skipped.")
    var maxBytes: Int = 64 * 1024 * 1024

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the names of the files from FILE (- for standard input), one a line.", valueName: "FILE"))
    var filesFrom: String?

    @Flag(name: [.customShort("0"), .customLong("null")], help: "Names in --files-from end with NUL (find -print0).")
    var nullSeparated = false

    @Option(name: .long, help: "Parsers at once; 0: one per core.")
    var workers: Int = 0

    @Flag(name: .long, help: "Write records as they are ready rather than in the order of the files.")
    var unordered = false

    @Option(
        name: .long,
        help: ArgumentHelp("Names taken in a directory (a glob; repeatable). Default: *.txt.", valueName: "GLOB"))
    var include: [String] = []

    @Option(name: .long, help: ArgumentHelp("Names skipped in a directory (a glob; repeatable).", valueName: "GLOB"))
    var exclude: [String] = []

    @Flag(name: .long, help: "Show progress and the summary on standard error even when it is not a terminal.")
    var progress = false

    @Flag(name: .long, help: "Show neither progress nor the summary.")
    var quiet = false

    @Argument(help: "Article files and directories; - for standard input.")
    var files: [String] = []

    /// Options that take a value (the next argument unless written `--name=value`).
    static let optionsWithValues: Set<String> = [
        "--tone-style", "--max-bytes", "--files-from", "--workers", "--include", "--exclude",
    ]

    /// `arguments` split into options (with their values) and file operands, in one pass: the argument
    /// parser's own handling of a list of operands costs time quadratic in their number, and archives give
    /// tens of thousands. After `--`, everything is an operand; `-` alone is one (standard input).
    static func splitOperands(_ arguments: [String]) -> (options: [String], operands: [String]) {
        var options: [String] = []
        var operands: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                operands += arguments[index...]
                break
            }
            guard argument.hasPrefix("-"), argument != "-" else {
                operands.append(argument)
                continue
            }
            // Joined as `--name=value`, so that a value starting with `-` stays a value.
            if optionsWithValues.contains(argument), index < arguments.count {
                options.append(argument + "=" + arguments[index])
                index += 1
            } else {
                options.append(argument)
            }
        }
        return (options, operands)
    }

    func validate() throws {
        guard (0...1024).contains(workers) else { throw ValidationError("--workers must be between 0 and 1024") }
    }

    func run() throws {
        var inputs = BatchInputs(include: include.isEmpty ? ["*.txt"] : include, exclude: exclude)
        if let filesFrom {
            let list =
                filesFrom == "-"
                ? try StandardStreams.input.readAll()
                : try FileDescriptor(openingForReading: filesFrom, waitingForAWriter: false).readAll()
            inputs.add(list: list, separator: nullSeparated ? 0 : 0x0A)
        }
        for file in files { inputs.add(file) }
        if files.isEmpty, filesFrom == nil { inputs.add("-") }

        let status = TerminalStatus(
            isShown: !quiet && (progress || isatty(STDERR_FILENO) == 1))
        var settings = BatchRun.Settings()
        settings.workers = workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount)
        settings.isOrdered = !unordered
        settings.toneStyle = toneStyle.toneStyle
        settings.maxFileBytes = maxBytes
        let output = BufferedOutput(StandardStreams.output)
        let batch = BatchRun(
            settings: settings, write: { try output.append($0) },
            report: { path, reason in status.printError("newsingest parse: \(path): \(reason)") })
        let started = DispatchTime.now().uptimeNanoseconds
        let seconds = { @Sendable in Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        // Progress needs the totals first: the names are then looked at before the batch starts. Without it,
        // they are looked at as the batch goes, and the first records come at once.
        let entries: AnySequence<BatchInputs.Entry> = status.isShown ? AnySequence(Array(inputs)) : AnySequence(inputs)
        if status.isShown {
            var (totalFiles, totalBytes): (Int, Int64) = (0, 0)
            for entry in entries {
                totalFiles += 1
                if case .file(let item) = entry { totalBytes += item.size }
            }
            status.startUpdating { @Sendable [totalFiles, totalBytes] in
                BatchProgress.line(batch.tally, totalFiles: totalFiles, totalBytes: totalBytes, seconds: seconds())
            }
        }
        do {
            try batch.run(entries)
            try output.flush()
        } catch let error as SystemCallError where error.isBrokenPipe {
            status.stopUpdating()
            throw ExitCode(141)  // the reader went away (`| head`): stop quietly, like cat
        }
        status.stopUpdating()
        status.printSummary(BatchProgress.summary(batch.tally, seconds: seconds()))
        if batch.tally.errors > 0 { throw ExitCode(1) }
    }
}
