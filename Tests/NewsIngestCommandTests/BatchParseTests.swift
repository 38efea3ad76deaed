import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// `newsingest parse` as a batch tool: many names, lists of odd names, directories, order, errors, progress.
@Suite struct BatchParseTests {
    let runner = BinaryRunner()

    func paths(_ output: Data) throws -> [String] {
        try output.split(separator: 0x0A).map {
            let record = try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any]
            return (record["source"] as! [String: Any])["path"] as! String
        }
    }

    /// `count` small articles named `prefix0…` in `directory`, in a shuffled order (not the order of their
    /// names, nor of their sizes).
    func writeArticles(_ count: Int, in directory: URL, prefix: String = "a") throws -> [String] {
        let articles = ArticleGenerator.seedLikeArticles(16, seed: 4001)
        var generator = SplitMix64(seed: 4002)
        var names = (0..<count).map { "\(prefix)\($0).txt" }
        names.shuffle(using: &generator)
        for (index, name) in names.enumerated() {
            try Data(articles[index % articles.count]).write(to: directory.appendingPathComponent(name))
        }
        return names.map { directory.appendingPathComponent($0).path }
    }

    @Test func tensOfThousandsOfNamesAreParsedOnEveryWorkerAndWrittenInTheirOrder() throws {
        let temporary = try TemporaryDirectory()
        let files = try writeArticles(12_000, in: temporary.url)
        let ordered = try runner.run(["parse", "--workers", "4"] + files)
        #expect(ordered.status == 0 && ordered.error.isEmpty, "\(ordered.error)")
        #expect(try paths(ordered.output) == files)
        let unordered = try runner.run(["parse", "--workers", "4", "--unordered", "--quiet"] + files)
        #expect(unordered.status == 0)
        let unorderedPaths = try paths(unordered.output)
        #expect(unorderedPaths.count == files.count && Set(unorderedPaths) == Set(files))
    }

    /// A reader that goes away (`| head`) stops the batch quietly with 141, as `cat` would, though the records
    /// are written by a queue of their own: the failed write is seen by the next record or the last flush.
    @Test func aReaderThatGoesAwayStopsTheBatchQuietly() throws {
        let temporary = try TemporaryDirectory()
        _ = try writeArticles(3_000, in: temporary.url)
        let script =
            "\"$0\" parse --quiet \"$1\" | head -c 10000 > /dev/null; echo \"status ${PIPESTATUS[0]}\""
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["-c", script, runner.binary.path, temporary.url.path]
        let output = Pipe()
        let errors = Pipe()
        shell.standardOutput = output
        shell.standardError = errors
        try shell.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaints = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(printed == "status 141\n", "\(printed) \(complaints)")
        #expect(complaints.isEmpty, "\(complaints)")
    }

    @Test func aListOfOddNamesIsTakenWithNewlinesOrNULs() throws {
        let temporary = try TemporaryDirectory()
        let article = ArticleGenerator.seedLikeArticles(1, seed: 4003)[0]
        let names = ["with space.txt", "tab\there.txt", "dấu tiếng Việt.txt", "new\nline.txt", "-dash.txt"]
        for name in names { try Data(article).write(to: temporary.url.appendingPathComponent(name)) }
        // A name that is not UTF-8 (Latin-1 é) is reported, not guessed at.
        let latin1: [UInt8] = Array(temporary.url.path.utf8) + Array("/caf".utf8) + [0xE9] + Array(".txt".utf8)
        // Reported in its place among the files' errors (before a missing file listed after it), and
        // counted with them.
        let missing = temporary.url.appendingPathComponent("missing.txt").path
        let nulList =
            names.prefix(2).flatMap { Array(temporary.url.appendingPathComponent($0).path.utf8) + [0] } + latin1
            + [0] + Array(missing.utf8) + [0]
            + names.dropFirst(2).flatMap { Array(temporary.url.appendingPathComponent($0).path.utf8) + [0] }
        let listFile = temporary.url.appendingPathComponent("list")
        try Data(nulList).write(to: listFile)
        // With a progress line every name is looked at first (for the totals), without one as the batch
        // goes: the same order either way.
        for progress in [["--progress"], []] {
            let fromNULs = try runner.run(["parse"] + progress + ["--files-from", listFile.path, "-0"])
            #expect(fromNULs.status == 1)
            #expect(try paths(fromNULs.output) == names.map { temporary.url.appendingPathComponent($0).path })
            let badName = fromNULs.error.range(of: "caf\\xE9.txt: the name is not UTF-8")
            let missingFile = fromNULs.error.range(of: "missing.txt: open failed")
            #expect(badName != nil && missingFile != nil, "\(fromNULs.error)")
            if let badName, let missingFile { #expect(badName.lowerBound < missingFile.lowerBound) }
            #expect(
                fromNULs.error.contains("parsed 7 files: 5 records, 2 errors") == !progress.isEmpty,
                "\(fromNULs.error)")
        }
        // One a line on standard input: the name with a newline cannot be said, the rest can.
        let lines = names.filter { !$0.contains("\n") }.map { temporary.url.appendingPathComponent($0).path }
        let fromLines = try runner.run(
            ["parse", "--files-from", "-"], input: Data((lines.joined(separator: "\r\n") + "\n\n").utf8))
        #expect(fromLines.status == 0, "\(fromLines.error)")
        #expect(try paths(fromLines.output) == lines)
    }

    @Test func directoriesAreWalkedInNameOrderWithTheDaemonsRules() throws {
        let temporary = try TemporaryDirectory()
        let root = temporary.url.appendingPathComponent("archive")
        let article = ArticleGenerator.seedLikeArticles(1, seed: 4004)[0]
        for name in [
            "b.txt", "a.txt", "sub/c.txt", "sub/deeper/d.txt", "skip.md", "e.txt.tmp", ".hidden.txt",
            ".git/f.txt", "sub/x-draft.txt", "z.TXT",
        ] {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(article).write(to: url)
        }
        let result = try runner.run(["parse", "--exclude", "*-draft.txt", root.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(
            try paths(result.output)
                == ["a.txt", "b.txt", "sub/c.txt", "sub/deeper/d.txt"].map { root.path + "/" + $0 })
        let globbed = try runner.run(["parse", "--include", "*.TXT", "--include", "*.md", root.path])
        #expect(try paths(globbed.output) == ["skip.md", "z.TXT"].map { root.path + "/" + $0 })
    }

    @Test func errorsGoToStandardErrorInOrderAndSetTheStatus() throws {
        let temporary = try TemporaryDirectory()
        let files = try writeArticles(40, in: temporary.url)
        let missing = temporary.url.appendingPathComponent("missing.txt").path
        let large = temporary.url.appendingPathComponent("large.txt")
        try Data(repeating: UInt8(ascii: "a"), count: 5000).write(to: large)
        let result = try runner.run(
            ["parse", "--workers", "3", "--max-bytes", "4096"] + files.prefix(20) + [missing, large.path]
                + files.suffix(20))
        #expect(result.status == 1)
        #expect(try paths(result.output) == files)
        let errors = result.error.split(separator: "\n")
        #expect(errors.count == 2, "\(result.error)")
        #expect(errors.first?.hasPrefix("newsingest parse: \(missing): open failed: No such file or directory") == true)
        #expect(errors.first?.contains("\(missing): \(missing)") == false)
        #expect(errors.last?.contains("large.txt: larger than the limit of 4096 bytes") == true)
    }

    @Test func progressIsShownOnATerminalAndNotOnAPipe() throws {
        let temporary = try TemporaryDirectory()
        let files = try writeArticles(300, in: temporary.url)
        // On a pipe: nothing but records.
        let piped = try runner.run(["parse", temporary.url.path])
        let pipedPaths = try paths(piped.output)
        #expect(piped.status == 0 && piped.error.isEmpty && pipedPaths.count == files.count)
        // Asked for: the line, cleared at the end, and the summary.
        let asked = try runner.run(["parse", "--progress", temporary.url.path])
        #expect(asked.error.contains("/300 files · "), "\(asked.error)")
        #expect(asked.error.contains("\r\u{1B}[K"))
        #expect(asked.error.contains("parsed 300 files: 300 records, 0 errors, "))
        #expect(try runner.run(["parse", "--progress", "--quiet", temporary.url.path]).error.isEmpty)
        // On a pseudo-terminal (script(1)): shown without being asked.
        let typescript = temporary.url.appendingPathComponent("typescript").path
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        script.arguments = [
            "-qfec", "'\(runner.binary.path)' parse '\(temporary.url.path)' > /dev/null", typescript,
        ]
        script.standardInput = FileHandle.nullDevice
        script.standardOutput = FileHandle.nullDevice
        try script.run()
        script.waitUntilExit()
        #expect(script.terminationStatus == 0)
        let shown = (try? String(contentsOfFile: typescript, encoding: .utf8)) ?? ""
        #expect(shown.contains("/300 files · ") && shown.contains("parsed 300 files: 300 records"), "\(shown)")
    }
}
