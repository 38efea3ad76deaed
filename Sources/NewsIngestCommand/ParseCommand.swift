import ArgumentParser
import NewsFormat
import NewsIngestEngine
import NewsIngestSystem

/// `newsingest parse [FILE...]`: one JSON record per file on standard output.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Print one JSON record (schema newsingest.article/1) per article file, one line each.",
        discussion: """
            With no FILE, or with -, reads standard input. A file that cannot be parsed is reported on \
            standard error with its path and the reason; the other files are still printed, and the exit \
            status is 1.
            """
    )

    @OptionGroup var toneStyle: ToneStyleOption

    @Option(name: .long, help: "Largest file read, in bytes; larger files are reported and skipped.")
    var maxBytes: Int = 64 * 1024 * 1024

    @Argument(help: "Article files; - for standard input.")
    var files: [String] = []

    func run() throws {
        let parser = ArticleParser(toneStyle: toneStyle.toneStyle)
        let memo = WordMemo()
        var failures = 0
        for path in files.isEmpty ? ["-"] : files {
            do {
                let (bytes, source) = try ArticleFileReader.read(path, limit: maxBytes)
                let article = try parser.parse(bytes, memo: memo)
                let record = ArticleRecord(
                    article: article,
                    source: source,
                    ingestedAt: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds())
                )
                try StandardStreams.output.writeAll(record.jsonLine())
            } catch let error as SystemCallError where error.isBrokenPipe {
                throw ExitCode(141)  // the reader went away (`| head`): stop quietly, like cat
            } catch {
                StandardStreams.printError("newsingest parse: \(path == "-" ? "<stdin>" : path): \(error)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
