import ArticleFixtures
import Foundation
import NewsIngestSystem
import TestSupport
import Testing

/// `newsingest run` on temporary directories: the real binary, real inotify, a real SQLite state file.
@Suite struct DaemonTests {
    let runner = BinaryRunner()

    /// A working directory with `in/`, and the daemon's output, errors and state under `out/`.
    struct Workspace {
        let temporary: TemporaryDirectory
        var input: URL { temporary.url.appendingPathComponent("in") }
        var output: URL { temporary.url.appendingPathComponent("out/articles.jsonl") }
        var errors: URL { temporary.url.appendingPathComponent("out/errors.jsonl") }

        init() throws {
            temporary = try TemporaryDirectory()
            try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        }

        /// Added to ``arguments`` (a `--config`, say).
        var extraArguments: [String] = []

        /// Writes a configuration watching `in/` recursively with `after` and `dedupe`, and returns the
        /// arguments of a daemon run on it, logging at debug level (where the periodic rescans show).
        mutating func argumentsWatchingRecursively(after: String, dedupe: String) throws -> [String] {
            let configuration = temporary.path("\(after)-\(dedupe).toml")
            try Data(
                ("[[source.directory]]\npath = \"\(input.path)\"\nrecursive = true\nafter = \"\(after)\"\n"
                    + "[output]\ndedupe = \"\(dedupe)\"\n").utf8
            ).write(to: URL(fileURLWithPath: configuration))
            extraArguments = ["--config", configuration, "--log-level", "debug"]
            return arguments.filter { $0 != "--watch" && $0 != input.path }
        }

        var arguments: [String] {
            [
                "run", "--watch", input.path, "--output", output.path, "--errors", errors.path,
                "--state-dir", temporary.path("out/state"), "--settle", "0.2", "--rescan-interval", "1",
            ] + extraArguments
        }

        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: input.appendingPathComponent(name))
        }

        /// Writes `bytes` into the input directory under a name in a legacy code page (`é` as the byte E9).
        func writeLegacyNamed(_ name: [UInt8], _ bytes: [UInt8]) {
            let path = Array(input.path.utf8) + [0x2F] + name + [0]
            let file = path.withUnsafeBufferPointer { path in
                path.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
            }
            #expect(file >= 0)
            #expect(bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress, $0.count) } == bytes.count)
            close(file)
        }

        /// The output's records (complete lines only).
        func records() -> [[String: Any]] { Self.objects(in: output) }

        /// The error log's records (complete lines only).
        func errorRecords() -> [[String: Any]] { Self.objects(in: errors) }

        static func objects(in url: URL) -> [[String: Any]] {
            lines(of: url).compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }

        static func lines(of url: URL) -> [Data] {
            guard let data = try? Data(contentsOf: url) else { return [] }
            return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) }
        }
    }

    func start(_ workspace: Workspace, extra: [String] = []) throws -> DaemonProcess {
        try DaemonProcess(binary: runner.binary, arguments: workspace.arguments + extra, in: workspace.temporary.url)
    }

    /// Distinct generated articles, as file bytes.
    static func articles(_ count: Int, seed: UInt64 = 7) -> [[UInt8]] {
        var generator = ArticleGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextSeedLike().bytes() }
    }

    @Test func backlogIsIngestedAndARestartEmitsNothingAgain() throws {
        let workspace = try Workspace()
        for name in RepositoryFiles.seedNames { try workspace.write(name, try RepositoryFiles.seed(name)) }
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let ids = Set(workspace.records().compactMap { $0["id"] as? String })
        #expect(ids.count == 2)
        // A clean stop leaves the state in the database, its write-ahead log emptied.
        let log = workspace.temporary.path("out/state/state.sqlite3-wal")
        #expect((try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0 == 0)
        #expect(try StateFile(directory: workspace.temporary.path("out/state")).rowCount(of: "file_versions") == 2)

        let again = try start(workspace)
        #expect(Wait.until(seconds: 60) { again.log.contains("watching") })
        #expect(again.stop() == 0)
        #expect(workspace.records().count == 2)
        #expect(again.log.contains("emitted=0"))
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryRefusesToStart() throws {
        let workspace = try Workspace()
        let first = try start(workspace)
        #expect(Wait.until(seconds: 60) { first.log.contains("watching") }, "\(first.log)")
        // The state store stays locked while the first runs: the second fails after the busy timeout.
        var arguments = workspace.arguments
        arguments[arguments.firstIndex(of: workspace.output.path)!] = workspace.temporary.path("other.jsonl")
        let second = try runner.run(arguments)
        #expect(second.status != 0)
        #expect(second.error.contains("is another newsingest using this state directory?"), "\(second.error)")
        // The first is unharmed.
        try workspace.write("001_0000000000000001.txt", Self.articles(1)[0])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(first.log)")
        #expect(first.stop() == 0)
    }

    /// A state database that cannot be read stops the start with advice, and the advice holds: with the state
    /// moved aside, the daemon adopts the output's lines, and the files behind them are not emitted again.
    @Test func aDamagedStateSaysHowToStartAgainWithoutDuplicates() throws {
        let workspace = try Workspace()
        let articles = Self.articles(3, seed: 53)
        for (index, bytes) in articles.enumerated() { try workspace.write("\(index).txt", bytes) }
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let state = workspace.temporary.url.appendingPathComponent("out/state")
        try Data(repeating: 0xA5, count: 64 << 10).write(to: state.appendingPathComponent("state.sqlite3"))

        let refused = try runner.run(workspace.arguments)
        #expect(refused.status == 1)
        #expect(
            refused.error.contains("cannot start") && refused.error.contains("move state.sqlite3"), "\(refused.error)")

        let aside = workspace.temporary.url.appendingPathComponent("state-damaged")
        try FileManager.default.moveItem(at: state, to: aside)
        try workspace.write("3.txt", Self.articles(4, seed: 53)[3])
        let again = try start(workspace)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 4 }, "\(again.log)")
        #expect(again.stop() == 0)
        #expect(again.log.contains("adopted lines") && again.log.contains("emitted=1"), "\(again.log)")
        #expect(Set(workspace.records().compactMap { $0["id"] as? String }).count == 4)
    }

    @Test func filesLargerThanTheByteBudgetAreTakenOneAtATime() throws {
        var workspace = try Workspace()
        let config = workspace.temporary.path("budget.toml")
        try Data("[pipeline]\nmax_in_flight_bytes = 1048576\n".utf8).write(to: URL(fileURLWithPath: config))
        workspace.extraArguments = ["--config", config]
        // Three articles of about 1.2 MB each (each over the whole budget) among small ones.
        for index in 0..<3 {
            let sentences = (0..<50_000).map { "Câu \($0) của bài \(index)." }.joined(separator: " ")
            try workspace.write(
                String(format: "%03d_%016x.txt", index, index), Array("Tiêu đề \(index)\n\nTPO - \(sentences)\n".utf8))
        }
        for (index, bytes) in Self.articles(20).enumerated() {
            try workspace.write(String(format: "%03d_%016x.txt", 100 + index, 100 + index), bytes)
        }
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 120) { workspace.records().count == 23 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let large = workspace.records().filter { (($0["source"] as? [String: Any])?["size"] as? Int ?? 0) > 1_048_576 }
        #expect(large.count == 3)
    }

    /// Standard error on a full disk (here `/dev/full`; a log file at its size limit or a journal gone are
    /// alike): log lines are dropped, never fatal, and the daemon ingests and stops as always.
    @Test func aLogThatCannotBeWrittenDoesNotStopTheDaemon() throws {
        let workspace = try Workspace()
        for name in RepositoryFiles.seedNames { try workspace.write(name, try RepositoryFiles.seed(name)) }
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments, in: workspace.temporary.url, standardError: full)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 })
        try workspace.write("later.txt", Self.articles(1, seed: 59)[0])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 })
        #expect(daemon.stop() == 0)
    }

    @Test func filesArrivingWhileRunningAreIngested() throws {
        let workspace = try Workspace()
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        let articles = Self.articles(3)
        // Written in place and closed.
        try workspace.write("001_0000000000000001.txt", articles[0])
        // Written elsewhere, renamed into place.
        let staging = workspace.temporary.url.appendingPathComponent("staging.txt")
        try Data(articles[1]).write(to: staging)
        try FileManager.default.moveItem(
            at: staging, to: workspace.input.appendingPathComponent("002_0000000000000002.txt"))
        // Written slowly and closed only at the end: never read half-written (the pause is below --settle).
        let slowPath = workspace.input.appendingPathComponent("003_0000000000000003.txt").path
        let descriptor = open(slowPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        #expect(descriptor >= 0)
        let half = articles[2].count / 2
        articles[2].withUnsafeBytes { bytes in
            #expect(Foundation.write(descriptor, bytes.baseAddress!, half) == half)
            usleep(100_000)
            #expect(Foundation.write(descriptor, bytes.baseAddress! + half, bytes.count - half) == bytes.count - half)
        }
        #expect(close(descriptor) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        // A partial or temporary file is never taken.
        try workspace.write("004.txt.part", articles[0])
        try workspace.write(".hidden.txt", articles[0])
        #expect(daemon.stop() == 0)
        let records = workspace.records()
        #expect(records.count == 3)
        #expect(Set(records.compactMap { $0["id"] as? String }).count == 3)
        let bytes = records.compactMap { ($0["source"] as? [String: Any])?["size"] as? Int }.sorted()
        #expect(bytes == articles.map(\.count).sorted())
    }

    /// A writer that keeps its file open sends no event. The start's scan finds the file still changing, and
    /// it is looked at again every settle interval while it is written, then taken whole once it stops
    /// changing: not at the next rescan, an hour away here.
    @Test func aFileItsWriterKeepsOpenIsTakenWholeOnceItStopsChanging() throws {
        let workspace = try Workspace()
        let article = Self.articles(1, seed: 53)[0]
        let descriptor = open(workspace.input.appendingPathComponent("open.txt").path, O_WRONLY | O_CREAT, 0o644)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let pieces = 6
        let pieceBytes = (article.count + pieces - 1) / pieces
        func writePiece(_ index: Int) {
            let piece = article[(index * pieceBytes)..<min(article.count, (index + 1) * pieceBytes)]
            piece.withUnsafeBytes { bytes in
                #expect(Foundation.write(descriptor, bytes.baseAddress!, bytes.count) == bytes.count)
            }
        }
        writePiece(0)
        let daemon = try start(workspace, extra: ["--settle", "2", "--rescan-interval", "3600"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("still_changing=1") }, "\(daemon.log)")
        // A piece every half second: still being written when the first settle interval is over.
        for index in 1..<pieces {
            usleep(500_000)
            writePiece(index)
        }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let records = workspace.records()
        #expect(records.count == 1)
        #expect((records.first?["source"] as? [String: Any])?["size"] as? Int == article.count)
    }

    /// A file dated in the future (its writer's clock is ahead: a share, a copy that kept its times) is taken
    /// once scans have seen it unchanged for the settle interval, not when our clock reaches its date; the log
    /// says why it waited. One dated in the past is taken at once, as always.
    @Test func filesDatedInTheFutureAreTakenOnceTheyStayUnchanged() throws {
        let workspace = try Workspace()
        let articles = Self.articles(2, seed: 47)
        try workspace.write("ahead.txt", articles[0])
        try workspace.write("behind.txt", articles[1])
        let hoursAhead = Date().addingTimeInterval(2 * 3600)
        try FileManager.default.setAttributes(
            [.modificationDate: hoursAhead], ofItemAtPath: workspace.input.appendingPathComponent("ahead.txt").path)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-3600)],
            ofItemAtPath: workspace.input.appendingPathComponent("behind.txt").path)
        let daemon = try start(workspace, extra: ["--settle", "1"])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let log = daemon.log
        #expect(log.contains("files are dated in the future") && log.contains("files=1"), "\(log)")
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        #expect(names == ["behind.txt", "ahead.txt"])
    }

    @Test func aBadFileGoesToTheErrorLogAndTheDaemonCarriesOn() throws {
        let workspace = try Workspace()
        try workspace.write("001_bad.txt", [0x41, 0x00, 0x42])
        try workspace.write("002_good.txt", Self.articles(1)[0])
        let daemon = try start(workspace)
        #expect(
            Wait.until(seconds: 60) {
                workspace.records().count == 1 && Workspace.lines(of: workspace.errors).count == 1
            })
        let error = try #require(
            Workspace.lines(of: workspace.errors).first.flatMap {
                try JSONSerialization.jsonObject(with: $0) as? [String: Any]
            }
        )
        #expect((error["path"] as? String)?.hasSuffix("001_bad.txt") == true)
        #expect(error["code"] as? String == "binary")
        #expect((error["reason"] as? String)?.contains("NUL byte") == true)
        #expect(error["size"] as? Int == 3)
        #expect(daemon.stop() == 0)
    }

    /// A file the daemon's user may not read (dropped by another user with mode 600, the commonest mistake) is
    /// reported once, stays where it is (no quarantine), and is taken once its mode is put right, although a
    /// `chmod` changes neither its size nor its time. Rescans every second here report it no more.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv"))
    func aFileThatCannotBeReadIsReportedOnceAndTakenOnceItsPermissionsAllow() throws {
        let workspace = try Workspace()
        let quarantine = workspace.temporary.path("quarantine")
        let config = workspace.temporary.path("quarantine.toml")
        try Data("[[source.directory]]\npath = \"\(workspace.input.path)\"\nquarantine = \"\(quarantine)\"\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        let privatePath = try writeOneReadableAndOnePrivateArticle(in: workspace)
        let daemon = try startUnableToRead(
            privatePath, workspace,
            arguments: workspace.arguments.filter { $0 != "--watch" && $0 != workspace.input.path } + [
                "--config", config, "--log-level", "debug",
            ])
        #expect(
            Wait.until(seconds: 60) { workspace.records().count == 1 && workspace.errorRecords().count == 1 },
            "\(daemon.log)")
        #expect(workspace.errorRecords().first?["code"] as? String == "permission_denied")
        #expect((workspace.errorRecords().first?["reason"] as? String)?.contains("Permission denied") == true)
        // Two more rescans report it no more, and leave it where it is.
        func rescans() -> Int { daemon.log.components(separatedBy: "reason=periodic").count - 1 }
        let rescansBefore = rescans()
        #expect(Wait.until(seconds: 60) { rescans() >= rescansBefore + 2 }, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1)
        #expect(FileManager.default.fileExists(atPath: privatePath))
        #expect(chmod(privatePath, 0o644) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1)
        #expect(daemon.log.contains("emitted=2") && daemon.log.contains("failed=1"), "\(daemon.log)")
    }

    /// The `chmod` that puts a file's mode right is an inotify event (`IN_ATTRIB`): the file is taken at once,
    /// not at the next rescan (an hour away here). A `chmod` that still leaves it unreadable reports nothing
    /// more.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv"))
    func aFileWhosePermissionsArePutRightIsTakenAtOnce() throws {
        let workspace = try Workspace()
        let privatePath = try writeOneReadableAndOnePrivateArticle(in: workspace)
        let daemon = try startUnableToRead(
            privatePath, workspace,
            arguments: workspace.arguments + ["--rescan-interval", "3600", "--log-level", "debug"])
        #expect(
            Wait.until(seconds: 60) { workspace.records().count == 1 && workspace.errorRecords().count == 1 },
            "\(daemon.log)")
        // Still unreadable to the daemon's user, whether that is `nobody` or the file's owner.
        #expect(chmod(privatePath, 0o200) == 0)
        // An article renamed into place after that `chmod` is an event read after its event: once its record
        // is out, the `chmod` was looked at.
        let marker = workspace.temporary.path("marker.txt")
        try Data(Self.articles(1, seed: 63)[0]).write(to: URL(fileURLWithPath: marker))
        #expect(rename(marker, workspace.input.appendingPathComponent("marker.txt").path) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1)
        #expect(chmod(privatePath, 0o644) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1)
        #expect(!daemon.log.contains("reason=periodic"), "\(daemon.log)")
    }

    /// A subdirectory the daemon's user may not read can be neither watched nor listed; the `chmod` that lets
    /// it is an event of its parent's watch, so it is watched and scanned at once, not at the next rescan (an
    /// hour away here).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv"))
    func aSubdirectoryThatCannotBeWatchedIsWatchedOnceItsModeAllows() throws {
        let workspace = try Workspace()
        let subdirectory = workspace.input.appendingPathComponent("private")
        try FileManager.default.createDirectory(at: subdirectory, withIntermediateDirectories: true)
        try Data(Self.articles(1, seed: 67)[0]).write(to: subdirectory.appendingPathComponent("001.txt"))
        let daemon = try startUnableToRead(
            subdirectory.path, workspace,
            arguments: workspace.arguments + ["--recursive", "--rescan-interval", "3600", "--log-level", "debug"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("cannot watch directory") }, "\(daemon.log)")
        #expect(chmod(subdirectory.path, 0o755) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(daemon.log.contains("watching a directory that could not be watched before"), "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(!daemon.log.contains("reason=periodic"), "\(daemon.log)")
    }

    /// Writes `readable.txt` and `private.txt` into the workspace's input; returns the path of the second.
    private func writeOneReadableAndOnePrivateArticle(in workspace: Workspace) throws -> String {
        let articles = Self.articles(2, seed: 61)
        try workspace.write("readable.txt", articles[0])
        try workspace.write("private.txt", articles[1])
        return workspace.input.appendingPathComponent("private.txt").path
    }

    /// Starts the daemon with `arguments` such that it may not read the file or directory at `path`. As root,
    /// it gets mode 600 and the daemon runs as `nobody` through `setpriv` (from a copy of the binary, so that
    /// `nobody` may run it wherever the clone lies), with the workspace open to it; otherwise it gets mode 000.
    private func startUnableToRead(_ path: String, _ workspace: Workspace, arguments: [String]) throws
        -> DaemonProcess
    {
        var binary = runner.binary
        var launch = arguments
        if geteuid() == 0 {
            #expect(chmod(path, 0o600) == 0)
            for directory in [workspace.temporary.url.path, workspace.input.path] {
                #expect(chmod(directory, 0o777) == 0)
            }
            let copy = workspace.temporary.path("newsingest")
            try FileManager.default.copyItem(atPath: binary.path, toPath: copy)
            #expect(chmod(copy, 0o755) == 0)
            binary = URL(fileURLWithPath: "/usr/bin/setpriv")
            launch = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", copy] + arguments
        } else {
            #expect(chmod(path, 0o000) == 0)
        }
        return try DaemonProcess(binary: binary, arguments: launch, in: workspace.temporary.url)
    }

    @Test func identicalContentIsEmittedOnceAndRewrittenContentAgain() throws {
        let workspace = try Workspace()
        let article = try RepositoryFiles.seed(RepositoryFiles.seedNames[1])
        try workspace.write("a.txt", article)
        try workspace.write("b.txt", article)
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 })
        // The same path rewritten with new content yields a new record.
        try workspace.write("a.txt", Self.articles(1, seed: 99)[0])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(daemon.log.contains("duplicates=1"))
    }

    /// With `dedupe = "none"`, a copy under another name is emitted again, but a file whose times changed and
    /// whose content did not (`touch`, an archive extracted over it, here while the daemon was stopped) is the
    /// same article: taken again as a new version, it is a duplicate. Rewritten with new content, it gives a
    /// new record.
    @Test func withoutDeduplicationATouchedFileIsNotEmittedAgain() throws {
        var workspace = try Workspace()
        let config = workspace.temporary.path("none.toml")
        try Data("[output]\ndedupe = \"none\"\n".utf8).write(to: URL(fileURLWithPath: config))
        workspace.extraArguments = ["--config", config]
        let articles = Self.articles(2, seed: 71)
        try workspace.write("a.txt", articles[0])
        let first = try start(workspace)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(first.log)")
        #expect(first.stop() == 0)

        let path = workspace.input.appendingPathComponent("a.txt").path
        var aDayEarlier = Array(repeating: timespec(tv_sec: time(nil) - 86_400, tv_nsec: 0), count: 2)
        #expect(utimensat(AT_FDCWD, path, &aDayEarlier, 0) == 0)
        try workspace.write("b.txt", articles[0])
        let second = try start(workspace)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(second.log)")
        try workspace.write("a.txt", articles[1])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(second.log)")
        #expect(second.stop() == 0)
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        #expect(names == ["a.txt", "b.txt", "a.txt"], "\(second.log)")
        #expect(second.log.contains("emitted=2") && second.log.contains("duplicates=1"), "\(second.log)")
    }

    /// With `dedupe = "none"`, a file renamed, or whose directory was renamed, is the same file, however its
    /// times or mode change after: it is not emitted again. A file deleted and made again with the same
    /// content at the same path (on the inode just freed, most often) is a new arrival: it is. The birth time
    /// tells the two apart.
    @Test func withoutDeduplicationARenamedFileIsNotEmittedAgainAndANewOneWithItsContentIs() throws {
        var workspace = try Workspace()
        let config = workspace.temporary.path("none.toml")
        try Data("[output]\ndedupe = \"none\"\n".utf8).write(to: URL(fileURLWithPath: config))
        workspace.extraArguments = ["--config", config, "--recursive", "--log-level", "debug"]
        let articles = Self.articles(3, seed: 73)
        let day = workspace.input.appendingPathComponent("day")
        try FileManager.default.createDirectory(at: day, withIntermediateDirectories: true)
        try Data(articles[0]).write(to: day.appendingPathComponent("a.txt"))
        try workspace.write("b.txt", articles[1])
        try workspace.write("c.txt", articles[2])
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        let reborn =
            try FileDescriptor(openingForReading: workspace.input.appendingPathComponent("c.txt").path)
            .status().bornNanoseconds != nil

        let archived = workspace.input.appendingPathComponent("archived")
        try FileManager.default.moveItem(at: day, to: archived)
        #expect(chmod(archived.appendingPathComponent("a.txt").path, 0o600) == 0)
        let renamed = workspace.input.appendingPathComponent("b-renamed.txt")
        try FileManager.default.moveItem(at: workspace.input.appendingPathComponent("b.txt"), to: renamed)
        var aMinuteEarlier = Array(repeating: timespec(tv_sec: time(nil) - 60, tv_nsec: 0), count: 2)
        #expect(utimensat(AT_FDCWD, renamed.path, &aMinuteEarlier, 0) == 0)
        try FileManager.default.removeItem(at: workspace.input.appendingPathComponent("c.txt"))
        try workspace.write("c.txt", articles[2])
        #expect(Wait.until(seconds: 60) { workspace.records().count >= 4 }, "\(daemon.log)")
        // Two rescans more (a second apart here): a file read again would be by now.
        let rescans = daemon.log.components(separatedBy: "reason=periodic").count
        _ = Wait.until(seconds: 10) { daemon.log.components(separatedBy: "reason=periodic").count > rescans + 2 }
        #expect(daemon.stop() == 0)
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        if reborn {
            #expect(names.sorted() == ["a.txt", "b.txt", "c.txt", "c.txt"], "\(daemon.log)")
        } else {
            // Without birth times the path decides: the renamed file is taken for a new arrival.
            #expect(names.filter { $0 == "c.txt" }.count == 2, "\(daemon.log)")
        }
    }

    /// An archive extracted into the watched directory while the daemon runs: each file is closed, then given
    /// its old time (an inotify event of its own, often while the file is in flight), and later the whole
    /// directory is touched. With `dedupe = "none"`, each file is still emitted exactly once: the versions
    /// read again are duplicates.
    @Test func withoutDeduplicationAnArchiveExtractedWhileRunningIsEmittedOnce() throws {
        var workspace = try Workspace()
        let config = workspace.temporary.path("none.toml")
        try Data("[output]\ndedupe = \"none\"\n".utf8).write(to: URL(fileURLWithPath: config))
        workspace.extraArguments = ["--config", config, "--log-level", "debug"]
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") }, "\(daemon.log)")
        let articles = Self.articles(200, seed: 73)
        var archiveTime = Array(repeating: timespec(tv_sec: 1_600_000_000, tv_nsec: 0), count: 2)
        var paths: [String] = []
        for (index, bytes) in articles.enumerated() {
            let name = String(format: "%03d.txt", index)
            try workspace.write(name, bytes)
            paths.append(workspace.input.appendingPathComponent(name).path)
            #expect(utimensat(AT_FDCWD, paths[index], &archiveTime, 0) == 0)
        }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 200 }, "\(daemon.log)")
        for path in paths { #expect(utimensat(AT_FDCWD, path, nil, 0) == 0) }
        // Two rescans (every second here) after the settle interval: the touched versions were all taken.
        let rescans = daemon.log.components(separatedBy: "reason=periodic").count
        #expect(
            Wait.until(seconds: 60) { daemon.log.components(separatedBy: "reason=periodic").count > rescans + 2 },
            "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        #expect(names.count == 200 && Set(names).count == 200)
        #expect(daemon.log.contains("emitted=200"), "\(daemon.log)")
        #expect(!daemon.log.contains("duplicates=0"), "\(daemon.log)")
    }

    @Test func subdirectoriesAndARecreatedWatchedDirectory() throws {
        let workspace = try Workspace()
        let daemon = try start(workspace, extra: ["--recursive"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        let articles = Self.articles(3, seed: 11)
        let nested = workspace.input.appendingPathComponent("2025/12")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try Data(articles[0]).write(to: nested.appendingPathComponent("001.txt"))
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")

        try FileManager.default.removeItem(at: workspace.input)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("removed or moved") })
        try FileManager.default.createDirectory(at: workspace.input, withIntermediateDirectories: true)
        try workspace.write("002.txt", articles[1])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        try workspace.write("003.txt", articles[2])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
    }

    /// inotify watches a directory, not its name. A subdirectory renamed, or the configured directory moved
    /// away with its subdirectories, leaves its old names free: directories made under those names are
    /// watched, and their files taken at once (the rescans here are an hour apart). Files written into a
    /// renamed subdirectory, below it too, are taken at their new paths.
    @Test func directoriesMadeWhereWatchedOnesWereRenamedAreWatched() throws {
        let workspace = try Workspace()
        let input = workspace.input
        let subdirectory = input.appendingPathComponent("day/part")
        try FileManager.default.createDirectory(at: subdirectory, withIntermediateDirectories: true)
        let daemon = try start(workspace, extra: ["--recursive", "--rescan-interval", "3600"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        let articles = Self.articles(5, seed: 23)
        var expected: [String] = []
        func drop(_ index: Int, into directory: URL) throws {
            let file = directory.appendingPathComponent(String(format: "%03d.txt", index))
            try Data(articles[index]).write(to: file)
            expected.append(file.path)
            #expect(
                Wait.until(seconds: 60) { workspace.records().count == expected.count },
                "\(file.path) not taken: \(daemon.log)")
        }

        // A subdirectory renamed: its files, below it too, are taken where they are now.
        let renamed = input.appendingPathComponent("archived")
        try FileManager.default.moveItem(at: input.appendingPathComponent("day"), to: renamed)
        try drop(0, into: renamed.appendingPathComponent("part"))
        // A directory made under the old name.
        try FileManager.default.createDirectory(at: subdirectory, withIntermediateDirectories: true)
        try drop(1, into: subdirectory)

        // The configured directory moved away with its subdirectories, and made again with the same ones.
        let movedAway = workspace.temporary.url.appendingPathComponent("in.old")
        try FileManager.default.moveItem(at: input, to: movedAway)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("removed or moved") }, "\(daemon.log)")
        try FileManager.default.createDirectory(at: subdirectory, withIntermediateDirectories: true)
        // Found by the scan of the directory once it is watched again, then announced by events.
        try drop(2, into: subdirectory)
        try drop(3, into: subdirectory)
        let renamedAgain = input.appendingPathComponent("archived/part")
        try FileManager.default.createDirectory(at: renamedAgain, withIntermediateDirectories: true)
        try drop(4, into: renamedAgain)
        #expect(daemon.stop() == 0)
        let paths = workspace.records().compactMap { ($0["source"] as? [String: Any])?["path"] as? String }
        #expect(paths == expected, "\(daemon.log)")
    }

    /// A hidden subdirectory (`.git`, a syncer's `.stfolder`) is not descended into, whether it was there at
    /// the start or made while the daemon runs: its files are never taken, by the scans nor by the events.
    @Test func hiddenSubdirectoriesAreNotDescendedInto() throws {
        let workspace = try Workspace()
        let articles = Self.articles(4, seed: 19)
        let before = workspace.input.appendingPathComponent(".before")
        try FileManager.default.createDirectory(at: before, withIntermediateDirectories: true)
        try Data(articles[0]).write(to: before.appendingPathComponent("001.txt"))
        let daemon = try start(workspace, extra: ["--recursive", "--log-level", "debug"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        let made = workspace.input.appendingPathComponent(".made")
        try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
        try Data(articles[1]).write(to: made.appendingPathComponent("002.txt"))
        let visible = workspace.input.appendingPathComponent("visible")
        try FileManager.default.createDirectory(at: visible, withIntermediateDirectories: true)
        try Data(articles[2]).write(to: visible.appendingPathComponent("003.txt"))
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        // A rescan (every second here) after those events, and the work in flight finished by the stop.
        let rescans = daemon.log.components(separatedBy: "reason=periodic").count
        try workspace.write("004.txt", articles[3])
        #expect(
            Wait.until(seconds: 60) { daemon.log.components(separatedBy: "reason=periodic").count > rescans + 1 },
            "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        #expect(names.sorted() == ["003.txt", "004.txt"], "\(daemon.log)")
    }

    @Test func tenThousandFilesDroppedAtOnce() throws {
        let workspace = try Workspace()
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        let articles = Self.articles(10_000, seed: 3)
        let staging = workspace.temporary.url.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        for (index, bytes) in articles.enumerated() {
            try Data(bytes).write(to: staging.appendingPathComponent(String(format: "%05d.txt", index)))
        }
        for index in articles.indices {
            let name = String(format: "%05d.txt", index)
            try FileManager.default.moveItem(
                at: staging.appendingPathComponent(name),
                to: workspace.input.appendingPathComponent(name)
            )
        }
        let distinct = Set(articles).count
        #expect(Wait.until(seconds: 600) { Workspace.lines(of: workspace.output).count == distinct }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let records = workspace.records()
        #expect(records.count == distinct)
        #expect(Set(records.compactMap { $0["id"] as? String }).count == distinct)
    }

    /// How many events the kernel queues for one inotify instance before it drops them and says it overflowed.
    static let inotifyQueueLimit =
        (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))
        .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }

    /// The daemon stopped (`SIGSTOP`) while more files arrive than the kernel queues events for: once it
    /// runs again, the queue has overflowed, the log says so, and a full rescan takes every file (the
    /// periodic rescans are an hour apart here).
    @Test(.enabled(if: (inotifyQueueLimit ?? .max) <= 65_536, "the inotify queue is too long to fill here"))
    func anOverflowedEventQueueIsFollowedByAFullRescan() throws {
        let workspace = try Workspace()
        let daemon = try start(workspace, extra: ["--rescan-interval", "3600"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") }, "\(daemon.log)")
        // Each file written in place is two events (created, closed after writing).
        let articles = Self.articles((Self.inotifyQueueLimit ?? 16_384) / 2 + 1_000, seed: 37)
        #expect(kill(daemon.processIdentifier, SIGSTOP) == 0)
        for (index, bytes) in articles.enumerated() { try workspace.write(String(format: "%05d.txt", index), bytes) }
        #expect(kill(daemon.processIdentifier, SIGCONT) == 0)
        #expect(
            Wait.until(seconds: 300) { Workspace.lines(of: workspace.output).count == articles.count }, "\(daemon.log)")
        #expect(daemon.log.contains("inotify queue overflowed: events were lost, rescanning everything"))
        #expect(daemon.log.contains("the rescan after the overflow is done"), "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(Set(workspace.records().compactMap { $0["id"] as? String }).count == articles.count)
    }

    @Test func aFileNoEventAnnouncesIsTakenByARescanWhichSaysSo() throws {
        let workspace = try Workspace()
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") }, "\(daemon.log)")
        #expect(daemon.log.contains("backlog scanned") && daemon.log.contains("files=0"), "\(daemon.log)")
        // A hard link makes the file appear complete without a close or a move: inotify reports neither.
        let staged = workspace.temporary.url.appendingPathComponent("staged.txt")
        try Data(Self.articles(1, seed: 13)[0]).write(to: staged)
        #expect(link(staged.path, workspace.input.appendingPathComponent("linked.txt").path) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(
            Wait.until(seconds: 60) {
                daemon.log.contains("a rescan found files no inotify event announced; taking them files=1")
            },
            "\(daemon.log)")
        #expect(daemon.stop() == 0)
    }

    /// A directory moved in (or made and filled at once, as `cp -r` does) holds files no event announced;
    /// the scan of the new directory finds them, and those written just before are taken once they settle.
    /// That is how it should be, and no news for the log: its notice is for what the rescans find.
    @Test func filesOfADirectoryMovedInAreTakenWithoutANoticeOfUnannouncedFiles() throws {
        let workspace = try Workspace()
        let daemon = try start(workspace, extra: ["--recursive", "--settle", "1", "--rescan-interval", "3600"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") }, "\(daemon.log)")
        let staging = workspace.temporary.url.appendingPathComponent("staging/batch")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        for (index, bytes) in Self.articles(3, seed: 31).enumerated() {
            try Data(bytes).write(to: staging.appendingPathComponent("\(index).txt"))
        }
        try FileManager.default.moveItem(at: staging, to: workspace.input.appendingPathComponent("batch"))
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(!daemon.log.contains("no inotify event announced"), "\(daemon.log)")
    }

    @Test func namesThatAreNotUTF8AreReportedOnceNotSilentlySkipped() throws {
        let workspace = try Workspace()
        let articles = Self.articles(3, seed: 17)
        workspace.writeLegacyNamed(Array("tin-t".utf8) + [0xE9] + Array("c.txt".utf8), articles[0])  // in the backlog
        let daemon = try start(workspace, extra: ["--recursive"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") }, "\(daemon.log)")
        workspace.writeLegacyNamed(Array("b".utf8) + [0xE0] + Array("i.txt".utf8), articles[1])  // arriving
        #expect(Wait.until(seconds: 60) { workspace.errorRecords().count == 2 }, "\(daemon.log)")
        let paths = Set(workspace.errorRecords().compactMap { $0["path"] as? String })
        #expect(paths == [workspace.input.path + "/tin-t\\xE9c.txt", workspace.input.path + "/b\\xE0i.txt"])
        #expect(workspace.errorRecords().allSatisfy { $0["code"] as? String == "file_name_not_utf8" })
        #expect(daemon.log.contains("a file name is not UTF-8"))

        // Rescans go on (a hard-linked file is found only by one), and report neither file again.
        let staged = workspace.temporary.url.appendingPathComponent("staged.txt")
        try Data(articles[2]).write(to: staged)
        #expect(link(staged.path, workspace.input.appendingPathComponent("linked.txt").path) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 2)

        // A subdirectory so named is reported too (the root is recursive), once.
        let directory = Array(workspace.input.path.utf8) + Array("/c".utf8) + [0xE1] + [0]
        #expect(
            directory.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o755) } }
                == 0)
        #expect(Wait.until(seconds: 60) { workspace.errorRecords().count == 3 }, "\(daemon.log)")
        #expect(workspace.errorRecords().last?["code"] as? String == "directory_name_not_utf8")
        #expect(workspace.errorRecords().last?["path"] as? String == workspace.input.path + "/c\\xE1")
        #expect(!daemon.log.contains("does not exist"), "\(daemon.log)")

        // Given a UTF-8 name, the file is taken at once.
        let legacy = Array(workspace.input.path.utf8) + Array("/tin-t".utf8) + [0xE9] + Array("c.txt".utf8) + [0]
        let renamed = legacy.withUnsafeBufferPointer { from in
            from.withMemoryRebound(to: CChar.self) {
                rename($0.baseAddress!, workspace.input.appendingPathComponent("tin-tec.txt").path)
            }
        }
        #expect(renamed == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 3)
        #expect(daemon.stop() == 0)
    }

    @Test func aSymbolicLinkToAnArticleIsTakenOneToADirectoryIsNotFollowed() throws {
        let workspace = try Workspace()
        let elsewhere = workspace.temporary.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let articles = Self.articles(2, seed: 19)
        try Data(articles[0]).write(to: elsewhere.appendingPathComponent("real.txt"))
        try Data(articles[1]).write(to: elsewhere.appendingPathComponent("inner.txt"))
        try FileManager.default.createSymbolicLink(
            at: workspace.input.appendingPathComponent("linked.txt"),
            withDestinationURL: elsewhere.appendingPathComponent("real.txt"))
        // A link to a directory, and one to the watched directory itself: neither is followed.
        try FileManager.default.createSymbolicLink(
            at: workspace.input.appendingPathComponent("elsewhere"), withDestinationURL: elsewhere)
        try FileManager.default.createSymbolicLink(
            at: workspace.input.appendingPathComponent("loop"), withDestinationURL: workspace.input)
        let daemon = try start(workspace, extra: ["--recursive"])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        let source = try #require(workspace.records().first?["source"] as? [String: Any])
        #expect(source["path"] as? String == workspace.input.appendingPathComponent("linked.txt").path)
        // Rescans (a hard link is found only by one) take nothing else.
        let staged = workspace.temporary.url.appendingPathComponent("staged.txt")
        try Data(Self.articles(1, seed: 23)[0]).write(to: staged)
        #expect(link(staged.path, workspace.input.appendingPathComponent("hard.txt").path) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(workspace.records().count == 2)
    }

    @Test func aBacklogIsReadInTheOrderOfItsInodes() throws {
        let workspace = try Workspace()
        // Names in an order unrelated to creation, so the directory's own order is not the inodes'.
        var generator = SystemRandomNumberGenerator()
        let articles = Self.articles(300, seed: 11)
        for (index, bytes) in articles.enumerated() {
            try workspace.write("\(UInt32.random(in: 0...UInt32.max, using: &generator))-\(index).txt", bytes)
        }
        // One worker: files are parsed and written in the order the scan submits them. No settle interval,
        // so the files just written are all taken by the first scan.
        let daemon = try start(workspace, extra: ["--workers", "1", "--settle", "0"])
        #expect(Wait.until(seconds: 120) { workspace.records().count == 300 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        // The inode numbers the scan sees are `readdir`'s (on an overlay file system `stat` may say others).
        let inodeByName = Self.directoryInodes(workspace.input)
        let inodes = try workspace.records().map { record in
            let name = try #require((record["source"] as? [String: Any])?["name"] as? String)
            return try #require(inodeByName[name])
        }
        #expect(inodes.count == 300)
        #expect(inodes == inodes.sorted())
    }

    /// The inode number `readdir` gives for each name in `directory`.
    static func directoryInodes(_ directory: URL) -> [String: UInt64] {
        guard let stream = opendir(directory.path) else { return [:] }
        defer { closedir(stream) }
        var inodes: [String: UInt64] = [:]
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            inodes[name] = UInt64(entry.pointee.d_ino)
        }
        return inodes
    }

    @Test func sigtermFinishesWorkInFlight() throws {
        let workspace = try Workspace()
        let articles = Self.articles(500, seed: 5)
        for (index, bytes) in articles.enumerated() { try workspace.write(String(format: "%04d.txt", index), bytes) }
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { !workspace.records().isEmpty })
        #expect(daemon.stop() == 0)
        // Every line is whole, and what was started was finished: the output ends on a line end.
        let data = try Data(contentsOf: workspace.output)
        #expect(data.last == 0x0A)
        #expect(workspace.records().count == Workspace.lines(of: workspace.output).count)
        // A restart takes the rest, each exactly once.
        let rest = try start(workspace)
        let distinct = Set(articles).count
        #expect(Wait.until(seconds: 120) { workspace.records().count == distinct }, "\(rest.log)")
        #expect(rest.stop() == 0)
        #expect(Set(workspace.records().compactMap { $0["id"] as? String }).count == distinct)
    }

    /// `SIGTERM` sent at any moment of start-up ends the daemon: before it blocks the signal, by the default
    /// action (143); after, by a clean stop (0), even when it arrives before the signal sources are registered.
    /// (Ignoring the signal until Dispatch took it once lost such a signal: the daemon ran on, under load.)
    @Test func aStopSignalSentWhileStartingIsNeverLost() throws {
        let workspace = try Workspace()
        for attempt in 0..<24 {
            let daemon = try start(workspace)
            usleep(UInt32(attempt % 12) * 4_000)  // 0 to 44 ms: from process start to watching
            let status = daemon.stop(within: 30)
            let log = daemon.log
            #expect(status == 0 || status == 128 + SIGTERM, "attempt \(attempt): \(log)")
            if log.contains("starting") {
                #expect(status == 0 && log.contains("stopped"), "attempt \(attempt): \(log)")
            }
        }
    }
}

/// Configuration errors from the command line: the key, the value and the reason, exit status 78.
@Suite struct ConfigurationCommandTests {
    let runner = BinaryRunner()

    @Test func checkConfigAcceptsTheDocumentedExample() throws {
        let path = RepositoryFiles.root().appendingPathComponent("config/newsingest.toml").path
        let result = try runner.run(["check-config", path])
        #expect(result.status == 0, "\(result.error)")
        #expect(String(decoding: result.output, as: UTF8.self).contains("watch seeds"))
    }

    @Test func badKeysAndValuesExitWithEXConfig() throws {
        let temporary = try TemporaryDirectory()
        let file = temporary.path("bad.toml")
        try Data("[output]\nfsync = \"sometimes\"\n".utf8).write(to: URL(fileURLWithPath: file))
        let check = try runner.run(["check-config", file])
        #expect(check.status == 78)
        #expect(check.error.contains("output.fsync = \"sometimes\": must be one of batch, interval, never"))
        let run = try runner.run(["run", "--config", file])
        #expect(run.status == 78)
        #expect(run.error.contains("output.fsync"))
        let flag = try runner.run(["run", "--watch", temporary.path("in"), "--workers", "0"])
        #expect(flag.status == 78)
        #expect(flag.error.contains("--workers 0: must be at least 1"))
        // A file that cannot be read, or is not UTF-8, says why (and where).
        let missing = try runner.run(["check-config", temporary.path("nope.toml")])
        #expect(missing.status == 78)
        #expect(missing.error.contains("nope.toml: open failed: No such file or directory"), "\(missing.error)")
        let directory = try runner.run(["run", "--config", temporary.url.path])
        #expect(directory.status == 78)
        #expect(directory.error.contains("read failed: Is a directory"), "\(directory.error)")
        let legacy = temporary.path("legacy.toml")
        // `é` as one byte (a legacy code page), on the second line.
        let legacyBytes = Array("[state]\ndirectory = \"/srv/tin-t".utf8) + [0xE9] + Array("c\"\n".utf8)
        try Data(legacyBytes).write(to: URL(fileURLWithPath: legacy))
        let notUTF8 = try runner.run(["check-config", legacy])
        #expect(notUTF8.status == 78)
        #expect(notUTF8.error.contains("legacy.toml:2: not UTF-8"), "\(notUTF8.error)")
    }

    /// Two watched directories that would take the same files, each under its own globs and `after`: one
    /// directory twice, or one under another watched recursively. A configuration error naming the later one;
    /// a directory under one that is not recursive, or under a hidden subdirectory, is fine. Names through a
    /// symbolic link count as the directory they lead to.
    @Test func overlappingWatchedDirectoriesAreAConfigurationError() throws {
        let temporary = try TemporaryDirectory()
        func check(_ second: String, firstRecursive: Bool) throws -> BinaryRunner.Result {
            let config = temporary.path("\(UUID()).toml")
            try Data(
                """
                [[source.directory]]
                path = "\(temporary.path("in"))"
                recursive = \(firstRecursive)
                [[source.directory]]
                path = "\(second)"
                after = "delete"
                [output]
                path = "\(temporary.path("out/a.jsonl"))"
                errors = "\(temporary.path("out/e.jsonl"))"
                [state]
                directory = "\(temporary.path("out/state"))"
                """.utf8
            ).write(to: URL(fileURLWithPath: config))
            return try runner.run(["check-config", config])
        }
        let twice = try check(temporary.path("in/./"), firstRecursive: false)
        #expect(twice.status == 78)
        #expect(
            twice.error.contains("source.directory[1].path = \"\(temporary.path("in/./"))\": is the same directory as"),
            "\(twice.error)")
        let nested = try check(temporary.path("in/2026/11"), firstRecursive: true)
        #expect(nested.status == 78)
        #expect(nested.error.contains("source.directory[1].path"), "\(nested.error)")
        #expect(nested.error.contains("lies under \(temporary.path("in")), which is watched recursively"))
        #expect(try check(temporary.path("in/2026"), firstRecursive: false).status == 0)
        #expect(try check(temporary.path("in/.hidden/a"), firstRecursive: true).status == 0)
        #expect(try check(temporary.path("input"), firstRecursive: true).status == 0)
        // Through a symbolic link to the first directory: the same one, or under it.
        try FileManager.default.createDirectory(atPath: temporary.path("in"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: temporary.path("link"), withDestinationPath: "in")
        let linked = try check(temporary.path("link"), firstRecursive: false)
        #expect(linked.status == 78)
        #expect(linked.error.contains("is the same directory as \(temporary.path("in"))"), "\(linked.error)")
        let linkedNested = try check(temporary.path("link/2026/11"), firstRecursive: true)
        #expect(linkedNested.status == 78)
        #expect(linkedNested.error.contains("lies under \(temporary.path("in"))"), "\(linkedNested.error)")

        let flags = try runner.run([
            "run", "--watch", temporary.path("in"), "--watch", temporary.path("in/sub"), "--recursive",
            "--output", temporary.path("out/a.jsonl"), "--state-dir", temporary.path("out/state"),
        ])
        #expect(flags.status == 78)
        #expect(flags.error.contains("--watch \(temporary.path("in/sub")): lies under"), "\(flags.error)")
    }

    /// A configuration under which the daemon would take back what it writes (its output in a watched
    /// directory under a name the globs take, say) is refused before anything is read, naming the setting.
    @Test func aConfigurationThatWouldIngestTheDaemonsOwnFilesIsRefused() throws {
        let temporary = try TemporaryDirectory()
        let input = temporary.path("in")
        let run = try runner.run(["run", "--watch", input, "--output", input + "/records.txt"])
        #expect(run.status == 78)
        #expect(
            run.error.contains("--output \(input)/records.txt: lies in the watched directory \(input)"), "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: input + "/records.txt"))
        let config = temporary.path("everything.toml")
        try Data(
            """
            [[source.directory]]
            path = "\(temporary.url.path)"
            recursive = true
            include = ["*"]
            [output]
            path = "/dev/null"
            errors = "/dev/null"
            [state]
            directory = "\(temporary.path("state"))"
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        let check = try runner.run(["check-config", config])
        #expect(check.status == 78)
        #expect(check.error.contains("state.directory = \"\(temporary.path("state"))\": lies in"), "\(check.error)")
        #expect(check.error.contains("state.sqlite3"), "\(check.error)")
        let same = try runner.run(["run", "--watch", input, "--output", "/tmp/x.jsonl", "--errors", "/tmp/x.jsonl"])
        #expect(same.status == 78)
        #expect(same.error.contains("the output and the error log are the same file"), "\(same.error)")
    }

    /// A directory that does not exist yet is fine (it is watched, or created, once it does); a file where a
    /// directory should be (or above it, where it would be made) is a mistake said at once, naming the key,
    /// and so is a directory where the output or the error log would be written.
    @Test func aFileWhereADirectoryBelongsIsAConfigurationError() throws {
        let temporary = try TemporaryDirectory()
        let file = temporary.path("articles.txt")
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: file))
        for (key, toml) in [
            ("source.directory[0].path", "[[source.directory]]\npath = \"\(file)\"\n"),
            (
                "source.directory[0].done_directory",
                "[[source.directory]]\npath = \"\(temporary.path("in"))\"\nafter = \"move\"\n"
                    + "done_directory = \"\(file)\"\n"
            ),
            ("state.directory", "[[source.directory]]\npath = \"in\"\n[state]\ndirectory = \"\(file)\"\n"),
        ] {
            let config = temporary.path("config.toml")
            try Data(toml.utf8).write(to: URL(fileURLWithPath: config))
            let check = try runner.run(["check-config", config])
            #expect(check.status == 78)
            #expect(check.error.contains("\(key) = \"\(file)\": is not a directory"), "\(check.error)")
        }
        let underTheFile = "cannot be made: \(file) is a file, not a directory"
        for (key, value, reason) in [
            ("state.directory", file + "/state", underTheFile),
            ("output.path", file + "/out/articles.jsonl", underTheFile),
            ("output.errors", temporary.url.path, "is a directory, not a file"),
        ] {
            let (table, name) = (key.split(separator: ".")[0], key.split(separator: ".")[1])
            let config = temporary.path("config.toml")
            try Data("[[source.directory]]\npath = \"in\"\n[\(table)]\n\(name) = \"\(value)\"\n".utf8).write(
                to: URL(fileURLWithPath: config))
            let check = try runner.run(["check-config", config])
            #expect(check.status == 78)
            #expect(check.error.contains("\(key) = \"\(value)\": \(reason)"), "\(check.error)")
        }
        let watch = try runner.run(["run", "--watch", file, "--state-dir", temporary.path("state")])
        #expect(watch.status == 78)
        #expect(watch.error.contains("--watch \(file): is not a directory"), "\(watch.error)")
        for (option, value, reason) in [
            ("--state-dir", file + "/state", underTheFile), ("--output", file + "/a.jsonl", underTheFile),
            ("--errors", temporary.url.path, "is a directory, not a file"),
        ] {
            let run = try runner.run(["run", "--watch", temporary.path("in"), option, value])
            #expect(run.status == 78)
            #expect(run.error.contains("\(option) \(value): \(reason)"), "\(run.error)")
        }
        let fine = temporary.path("config.toml")
        try Data("[[source.directory]]\npath = \"\(temporary.path("not-yet"))\"\n".utf8).write(
            to: URL(fileURLWithPath: fine))
        #expect(try runner.run(["check-config", fine]).status == 0)
    }
}

/// `after = "move"` and `"delete"`, and the quarantine: only once the outcome is committed.
@Suite struct FileDisposalTests {
    /// Files of one archive share their time, articles often their size, and a file system hands the inode of
    /// a deleted file to the next one made: under `after = "delete"` the next file of the archive may have the
    /// device, inode, size and time of the one just deleted. Its inode's change time tells it apart: each is
    /// emitted. (Before, such a file was taken for the deleted one and deleted unread: 3 of 10 here.)
    @Test func aNewFileOnTheInodeOfADeletedOneWithItsSizeAndTimeIsTaken() throws {
        var workspace = try DaemonTests.Workspace()
        let config = workspace.temporary.path("delete.toml")
        try Data("[[source.directory]]\npath = \"\(workspace.input.path)\"\nafter = \"delete\"\n".utf8).write(
            to: URL(fileURLWithPath: config))
        workspace.extraArguments = ["--config", config, "--rescan-interval", "3600"]
        let arguments = workspace.arguments.filter { $0 != "--watch" && $0 != workspace.input.path }
        let daemon = try DaemonProcess(binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") }, "\(daemon.log)")
        // Ten articles of one size (a seed and a two-digit number), extracted one by one with one time.
        let seed = try RepositoryFiles.seed(RepositoryFiles.seedNames[0])
        var archiveTime = Array(repeating: timespec(tv_sec: 1_600_000_000, tv_nsec: 0), count: 2)
        var inodes: [Int] = []
        for index in 0..<10 {
            let path = workspace.input.appendingPathComponent(String(format: "%02d.txt", index)).path
            try Data(seed + Array(String(format: "\n\nBài số %02d.\n", index).utf8)).write(
                to: URL(fileURLWithPath: path))
            #expect(utimensat(AT_FDCWD, path, &archiveTime, 0) == 0)
            inodes.append(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int ?? 0)
            #expect(Wait.until(seconds: 60) { !FileManager.default.fileExists(atPath: path) }, "\(daemon.log)")
        }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "inodes \(inodes): \(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(daemon.log.contains("emitted=10"), "\(daemon.log)")
    }

    @Test func committedFilesAreMovedOrDeletedAndBadOnesQuarantined() throws {
        let workspace = try DaemonTests.Workspace()
        let done = workspace.temporary.url.appendingPathComponent("done")
        let quarantine = workspace.temporary.url.appendingPathComponent("quarantine")
        let other = workspace.temporary.url.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let config = URL(fileURLWithPath: workspace.temporary.path("newsingest.toml"))
        try Data(
            """
            [[source.directory]]
            path = "\(workspace.input.path)"
            after = "move"
            done_directory = "\(done.path)"
            quarantine = "\(quarantine.path)"
            [[source.directory]]
            path = "\(other.path)"
            after = "delete"
            [output]
            path = "\(workspace.output.path)"
            errors = "\(workspace.errors.path)"
            [state]
            directory = "\(workspace.temporary.path("out/state"))"
            """.utf8
        ).write(to: config)
        let articles = DaemonTests.articles(2, seed: 31)
        try workspace.write("001.txt", articles[0])
        try workspace.write("002_bad.txt", [0x41, 0x00])
        try Data(articles[1]).write(to: other.appendingPathComponent("003.txt"))
        let daemon = try DaemonProcess(
            binary: BinaryRunner().binary,
            arguments: ["run", "--config", config.path],
            in: workspace.temporary.url
        )
        let fileManager = FileManager.default
        #expect(
            Wait.until(seconds: 60) {
                fileManager.fileExists(atPath: done.appendingPathComponent("001.txt").path)
                    && fileManager.fileExists(atPath: quarantine.appendingPathComponent("002_bad.txt").path)
                    && !fileManager.fileExists(atPath: other.appendingPathComponent("003.txt").path)
            },
            "\(daemon.log)"
        )
        #expect(workspace.records().count == 2)
        #expect(DaemonTests.Workspace.lines(of: workspace.errors).count == 1)
        #expect(try fileManager.contentsOfDirectory(atPath: workspace.input.path).isEmpty)
        #expect(daemon.stop() == 0)
    }

    /// `newsingest run` arguments for the workspace, its input directory configured with `after = "move"` into
    /// `done`.
    static func arguments(moving workspace: DaemonTests.Workspace, into done: String) throws -> [String] {
        let config = workspace.temporary.path("move.toml")
        try Data(
            "[[source.directory]]\npath = \"\(workspace.input.path)\"\nafter = \"move\"\ndone_directory = \"\(done)\"\n"
                .utf8
        ).write(to: URL(fileURLWithPath: config))
        var arguments = workspace.arguments
        let watch = try #require(arguments.firstIndex(of: "--watch"))
        arguments.removeSubrange(watch...watch + 1)
        return arguments + ["--config", config]
    }

    /// `/dev/shm` when it is another file system than the temporary directory's, as on most Linux machines.
    static let otherFileSystem: String? = {
        var temporary = stat()
        var shared = stat()
        guard stat(FileManager.default.temporaryDirectory.path, &temporary) == 0, stat("/dev/shm", &shared) == 0,
            temporary.st_dev != shared.st_dev
        else { return nil }
        return "/dev/shm"
    }()

    @Test(.enabled(if: otherFileSystem != nil, "needs a second file system: /dev/shm"))
    func filesAreMovedToADoneDirectoryOnAnotherFileSystem() throws {
        let workspace = try DaemonTests.Workspace()
        let other = try #require(Self.otherFileSystem) + "/newsingest-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: other) }
        let done = other + "/done"
        let arguments = try Self.arguments(moving: workspace, into: done)
        let articles = DaemonTests.articles(3, seed: 41)
        for (index, bytes) in articles.enumerated() { try workspace.write("\(index).txt", bytes) }
        let modified = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes(
            [.modificationDate: modified], ofItemAtPath: workspace.input.appendingPathComponent("0.txt").path)
        let daemon = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 60) { (try? FileManager.default.contentsOfDirectory(atPath: done))?.count == 3 },
            "\(daemon.log)")
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(!daemon.log.contains("could not dispose"), "\(daemon.log)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.input.path).isEmpty)
        // Whole copies under their own names, nothing half-copied left, the time kept as `mv` keeps it.
        for (index, bytes) in articles.enumerated() {
            #expect(FileManager.default.contents(atPath: done + "/\(index).txt") == Data(bytes))
        }
        let time = try FileManager.default.attributesOfItem(atPath: done + "/0.txt")[.modificationDate] as? Date
        #expect(time == modified)
    }

    /// A directory renamed while its backlog is ingested under `after = "delete"`: the files read before the
    /// rename are committed at paths that are gone. Such a file has moved, not left: its row stays, and the
    /// scan that finds it at its new path deletes it there. (Before, it was taken for gone, forgotten, and
    /// read again as a new file: emitted twice under `dedupe = "none"`.)
    @Test func filesWhoseDirectoryWasRenamedBeforeTheirDeletionAreEmittedOnce() throws {
        var workspace = try DaemonTests.Workspace()
        let arguments = try workspace.argumentsWatchingRecursively(after: "delete", dedupe: "none")
        let articles = DaemonTests.articles(2_000, seed: 47)
        let day = workspace.input.appendingPathComponent("day")
        try FileManager.default.createDirectory(at: day, withIntermediateDirectories: true)
        for (index, bytes) in articles.enumerated() {
            try Data(bytes).write(to: day.appendingPathComponent(String(format: "%04d.txt", index)))
        }
        let daemon = try DaemonProcess(binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { DaemonTests.Workspace.lines(of: workspace.output).count >= 100 })
        let renamed = workspace.input.appendingPathComponent("renamed")
        try FileManager.default.moveItem(at: day, to: renamed)
        #expect(
            Wait.until(seconds: 300) {
                DaemonTests.Workspace.lines(of: workspace.output).count >= articles.count
                    && (try? FileManager.default.contentsOfDirectory(atPath: renamed.path))?.isEmpty == true
            },
            "\(daemon.log)")
        // Two rescans more (a second apart here): a file read twice would be by now.
        let rescans = daemon.log.components(separatedBy: "reason=periodic").count
        _ = Wait.until(seconds: 10) { daemon.log.components(separatedBy: "reason=periodic").count > rescans + 2 }
        #expect(daemon.stop() == 0)
        let ids = workspace.records().compactMap { $0["id"] as? String }
        #expect(ids.count == articles.count && Set(ids).count == articles.count, "\(ids.count) lines")
    }

    /// A file a scan finds done but still in place (a crash came between its commit and its move, or the
    /// configuration changed from `keep` to `move`) is moved then, and its row goes with it.
    @Test func aFileFoundDoneByALaterScanIsMovedAndLeavesNoRow() throws {
        let workspace = try DaemonTests.Workspace()
        let done = workspace.temporary.url.appendingPathComponent("done")
        let state = workspace.temporary.path("out/state")
        for (index, bytes) in DaemonTests.articles(3, seed: 43).enumerated() {
            try workspace.write("\(index).txt", bytes)
        }
        let keeping = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(keeping.log)")
        #expect(keeping.stop() == 0)
        #expect(try StateFile(directory: state).rowCount(of: "file_versions") == 3)

        let moving = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: try Self.arguments(moving: workspace, into: done.path),
            in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 60) { (try? FileManager.default.contentsOfDirectory(atPath: done.path))?.count == 3 },
            "\(moving.log)")
        #expect(moving.stop() == 0)
        #expect(moving.log.contains("emitted=0"), "\(moving.log)")
        #expect(workspace.records().count == 3)
        #expect(try StateFile(directory: state).rowCount(of: "file_versions") == 0)
    }

    /// Under `after = "keep"`, files someone else deletes leave the state after two full scans miss them, so
    /// the state does not grow with every file ever taken; the files that stay are never taken again, and a
    /// deleted article written again under another name is a duplicate of what was emitted.
    @Test func theStateForgetsFilesDeletedByOthersAndKeepsTheRest() throws {
        let workspace = try DaemonTests.Workspace()
        let state = workspace.temporary.path("out/state")
        let articles = DaemonTests.articles(8, seed: 41)
        for (index, bytes) in articles.enumerated() { try workspace.write("\(index).txt", bytes) }
        let arguments = workspace.arguments + ["--rescan-interval", "0.2"]
        // The counts come with STATUS= on a test NOTIFY_SOCKET, every 0.2 s (half the watchdog interval).
        let socket = try NotifySocket(path: workspace.temporary.path("notify.sock"))
        let daemon = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url,
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 8 }, "\(daemon.log)")
        for index in 0..<5 {
            try FileManager.default.removeItem(at: workspace.input.appendingPathComponent("\(index).txt"))
        }
        #expect(
            Wait.until(seconds: 60) { daemon.log.contains("forgot the state of files gone") }, "\(daemon.log)")
        try workspace.write("0-again.txt", articles[0])
        #expect(
            Wait.until(seconds: 60) { socket.hasReceived("emitted 8, duplicates 1, failed 0") },
            "\(socket.messages.suffix(3))")
        #expect(daemon.stop() == 0)
        let log = daemon.log
        #expect(log.contains("files=5"), "\(log)")
        #expect(log.contains("emitted=8") && log.contains("duplicates=1"), "\(log)")
        #expect(workspace.records().count == 8)
        do {
            let file = try StateFile(directory: state)
            #expect(try file.rowCount(of: "file_versions") == 4)  // 5, 6, 7 and 0-again
            #expect(try file.rowCount(of: "emitted_contents") == 8)
        }

        let again = try DaemonProcess(binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { again.log.contains("watching") }, "\(again.log)")
        #expect(again.stop() == 0)
        #expect(again.log.contains("emitted=0") && again.log.contains("duplicates=0"), "\(again.log)")
        #expect(workspace.records().count == 8)
    }

    @Test func filesThatLeftTheirDirectoryLeaveNoRowInTheState() throws {
        let workspace = try DaemonTests.Workspace()
        let done = workspace.temporary.url.appendingPathComponent("done")
        let arguments = try Self.arguments(moving: workspace, into: done.path)
        let state = workspace.temporary.path("out/state")
        let articles = DaemonTests.articles(21, seed: 37)
        for (index, bytes) in articles[..<20].enumerated() { try workspace.write("\(index).txt", bytes) }
        let daemon = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 20 }, "\(daemon.log)")
        // Moved once their outcomes are committed (which may come after their lines appear)...
        #expect(
            Wait.until(seconds: 60) { (try? FileManager.default.contentsOfDirectory(atPath: done.path))?.count == 20 },
            "\(daemon.log)")
        // ...and the rows of moved files go with the next commit: one more file makes one.
        try workspace.write("20.txt", articles[20])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 21 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: done.path).count == 21)
        do {
            let file = try StateFile(directory: state)
            #expect(try file.rowCount(of: "file_versions") <= 1)  // the last file's, moved after the last commit
            #expect(try file.rowCount(of: "emitted_contents") == Set(articles).count)
        }

        // A file moved back in is taken again, and is a duplicate of what it was: nothing is emitted twice.
        try FileManager.default.moveItem(
            at: done.appendingPathComponent("3.txt"), to: workspace.input.appendingPathComponent("3.txt"))
        let again = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 60) { !FileManager.default.fileExists(atPath: workspace.input.path + "/3.txt") },
            "\(again.log)")
        #expect(again.stop() == 0)
        let log = again.log
        #expect(log.contains("duplicates=1"), "\(log)")
        #expect(log.contains("emitted=0"), "\(log)")
        #expect(workspace.records().count == 21)
    }

    /// With `state.forget_after_days`, a content not seen for that many days is forgotten at start (and daily):
    /// the same article arriving again is emitted again. One that a kept file still holds is still a duplicate,
    /// however long ago it was emitted: the file was not read again, being unchanged, but it is there. The
    /// days pass by hand, in the state's real file, between two runs of the real binary.
    @Test func contentsNotSeenForTheirDaysAreForgottenAndEmittedAgain() throws {
        let workspace = try DaemonTests.Workspace()
        let state = workspace.temporary.path("out/state")
        let config = workspace.temporary.path("forget.toml")
        try Data("[state]\nforget_after_days = 30\n".utf8).write(to: URL(fileURLWithPath: config))
        let arguments = workspace.arguments + ["--config", config]
        let articles = DaemonTests.articles(2, seed: 43)
        for (index, bytes) in articles.enumerated() { try workspace.write("\(index).txt", bytes) }
        let daemon = try DaemonProcess(binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let first = try #require(
            workspace.records().first { ($0["source"] as? [String: Any])?["name"] as? String == "0.txt" })
        let id = try #require(first["id"] as? String)
        // 100 days pass. The first file was deleted long ago (and its row forgotten by the rescans that missed
        // it); the second is still there.
        try FileManager.default.removeItem(at: workspace.input.appendingPathComponent("0.txt"))
        try StateFile(directory: state).execute(
            "UPDATE emitted_contents SET day = day - 100; DELETE FROM file_versions WHERE path LIKE '%/0.txt'")

        let again = try DaemonProcess(binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { again.log.contains("forgot contents") }, "\(again.log)")
        for (index, bytes) in articles.enumerated() { try workspace.write("\(index)-again.txt", bytes) }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(again.log)")
        #expect(again.stop() == 0)
        let log = again.log
        #expect(log.contains("contents=1") && log.contains("days=30"), "\(log)")
        #expect(log.contains("emitted=1") && log.contains("duplicates=1"), "\(log)")
        let records = workspace.records()
        #expect(records.count == 3)
        #expect(records.last?["id"] as? String == id)
        #expect(try StateFile(directory: state).rowCount(of: "emitted_contents") == 2)
    }
}
