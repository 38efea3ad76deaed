import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// The output under rotation: logrotate-style rename plus `SIGHUP`, and the daemon's own size rotation. No
/// line is lost or duplicated across the files.
@Suite struct OutputRotationTests {
    let runner = BinaryRunner()

    /// The output and its rotated files (`articles*.jsonl` beside it).
    static func outputs(of workspace: Workspace) -> [URL] {
        let directory = workspace.output.deletingLastPathComponent()
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasPrefix("articles") && $0.hasSuffix(".jsonl") }
            .map { directory.appendingPathComponent($0) }
    }

    func ids(in urls: [URL]) -> [String] {
        urls.flatMap { Workspace.lines(of: $0) }.compactMap {
            (try? JSONSerialization.jsonObject(with: $0) as? [String: Any])?["id"] as? String
        }
    }

    @Test func sighupReopensTheOutputAfterItWasRenamed() throws {
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(20, seed: 77)
        for (index, bytes) in articles[..<10].enumerated() { try workspace.write("a\(index).txt", bytes) }
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")

        let rotated = workspace.output.deletingLastPathComponent().appendingPathComponent("articles.jsonl.1")
        try FileManager.default.moveItem(at: workspace.output, to: rotated)
        #expect(FileManager.default.createFile(atPath: workspace.output.path, contents: nil))  // logrotate: create
        kill(daemon.processIdentifier, SIGHUP)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("reopened the output") }, "\(daemon.log)")
        for (index, bytes) in articles[10...].enumerated() { try workspace.write("b\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")

        let all = ids(in: [rotated, workspace.output])
        #expect(all.count == Set(articles).count)
        #expect(Set(all).count == all.count)
        // A restart after the rename does not emit the rotated lines again.
        let again = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { again.log.contains("watching") })
        #expect(again.stop() == 0, "\(again.log)")
        #expect(ids(in: [rotated, workspace.output]).count == all.count)
    }

    /// What someone else does to the output without telling the daemon (no `SIGHUP`): moving it away,
    /// replacing it, truncating it, deleting it. Each time, the next batch goes to a file at the output's
    /// path, whole lines from its first byte, and the log says why.
    @Test func anOutputMovedReplacedTruncatedOrDeletedWithoutSIGHUPIsOpenedAnew() throws {
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(50, seed: 79)
        let rounds = stride(from: 0, to: 50, by: 10).map { Array(articles[$0..<$0 + 10]) }
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments, in: workspace.temporary.url)
        func ingest(_ round: Int) {
            for (index, bytes) in rounds[round].enumerated() { try? workspace.write("\(round)-\(index).txt", bytes) }
        }
        let directory = workspace.output.deletingLastPathComponent()
        ingest(0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")

        // Moved away, nothing created (logrotate without create or postrotate).
        let moved = directory.appendingPathComponent("articles.jsonl.1")
        try FileManager.default.moveItem(at: workspace.output, to: moved)
        ingest(1)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")
        #expect(daemon.log.contains("change=moved"), "\(daemon.log)")

        // Replaced by a new empty file (logrotate's create, no postrotate).
        let replaced = directory.appendingPathComponent("articles.jsonl.2")
        try FileManager.default.moveItem(at: workspace.output, to: replaced)
        #expect(FileManager.default.createFile(atPath: workspace.output.path, contents: nil))
        ingest(2)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")
        #expect(daemon.log.contains("change=replaced"), "\(daemon.log)")

        // Copied, then truncated in place (copytruncate).
        let copied = directory.appendingPathComponent("articles.jsonl.3")
        try FileManager.default.copyItem(at: workspace.output, to: copied)
        #expect(truncate(workspace.output.path, 0) == 0)
        ingest(3)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")
        #expect(daemon.log.contains("change=truncated"), "\(daemon.log)")

        // Deleted (its lines are gone with it).
        try FileManager.default.removeItem(at: workspace.output)
        ingest(4)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")
        #expect(daemon.log.contains("change=removed"), "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")

        // Every file holds its round, each article once, and the file at the path starts with a whole line.
        for (file, round) in [(moved, 0), (replaced, 1), (copied, 2), (workspace.output, 4)] {
            let names = Workspace.lines(of: file).compactMap {
                ((try? JSONSerialization.jsonObject(with: $0) as? [String: Any])?["source"] as? [String: Any])?["name"]
                    as? String
            }
            #expect(names.count == Set(rounds[round]).count, "\(file.lastPathComponent)")
            #expect(names.allSatisfy { $0.hasPrefix("\(round)-") }, "\(file.lastPathComponent): \(names)")
        }
        #expect(Workspace.lines(of: workspace.output).first?.first == UInt8(ascii: "{"))
        let all = ids(in: [moved, replaced, copied, workspace.output])
        #expect(all.count == Set(rounds[0] + rounds[1] + rounds[2] + rounds[4]).count && Set(all).count == all.count)

        // A restart finds the committed end where the file ends, and emits nothing again.
        let again = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { again.log.contains("watching") })
        #expect(again.stop() == 0, "\(again.log)")
        #expect(!again.log.contains("shorter than its committed end"), "\(again.log)")
        #expect(ids(in: [workspace.output]).count == Set(rounds[4]).count)
    }

    /// The output's whole directory removed while the daemon runs (a clean-up of `out/`): it is made again,
    /// as at start, and the next batches go there instead of waiting for someone to make it.
    @Test func anOutputDirectoryRemovedIsMadeAgain() throws {
        let workspace = try Workspace()
        let outputState = workspace.temporary.path("out/state")
        let arguments = workspace.arguments.map { $0 == outputState ? workspace.temporary.path("state") : $0 }
        let daemon = try DaemonProcess(binary: runner.binary, arguments: arguments, in: workspace.temporary.url)
        let articles = ArticleGenerator.seedLikeArticles(10, seed: 83)
        for (index, bytes) in articles[..<5].enumerated() { try workspace.write("a\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 5 }, "\(daemon.log)")
        try FileManager.default.removeItem(at: workspace.output.deletingLastPathComponent())
        for (index, bytes) in articles[5...].enumerated() { try workspace.write("b\(index).txt", bytes) }
        try workspace.write("bad.txt", [0x41, 0x00])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 5 }, "\(daemon.log)")
        #expect(Wait.until(seconds: 60) { Workspace.lines(of: workspace.errors).count == 1 })
        #expect(daemon.stop() == 0, "\(daemon.log)")
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        #expect(names.sorted() == (0..<5).map { "b\($0).txt" })
        #expect(daemon.log.contains("the directory of a file the daemon writes was removed; made it again"))
        #expect(!daemon.log.contains("could not write a batch"), "\(daemon.log)")
    }

    @Test func sizeRotationSplitsTheOutputWithoutLosingALine() throws {
        let workspace = try Workspace()
        let config = workspace.temporary.path("rotate.toml")
        try Data("[output]\nrotate_bytes = 20000\n".utf8).write(to: URL(fileURLWithPath: config))
        let articles = ArticleGenerator.seedLikeArticles(60, seed: 78)
        for (index, bytes) in articles.enumerated() { try workspace.write(String(format: "%03d.txt", index), bytes) }
        let daemon = try DaemonProcess(
            binary: runner.binary,
            arguments: workspace.arguments + ["--config", config],
            in: workspace.temporary.url
        )
        func outputs() -> [URL] { Self.outputs(of: workspace) }
        #expect(Wait.until(seconds: 120) { ids(in: outputs()).count == Set(articles).count }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let files = outputs()
        #expect(files.count > 2, "\(files)")
        let all = ids(in: files)
        #expect(Set(all).count == all.count && all.count == Set(articles).count)
        #expect(daemon.log.contains("rotated the output"))
    }

    /// An output that reaches the largest file the daemon may write (here `RLIMIT_FSIZE`, as systemd's
    /// `LimitFSIZE=` sets it; a FAT file system's 4 GiB does the same) is rotated, and the batch that did not
    /// fit goes into the new file: no stall, no line lost or written twice. The state is committed at most
    /// every 5 s (`fsync = "interval"`), so that its own files stay well under the limit.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"), "needs prlimit"))
    func anOutputAtTheLargestFileSizeAllowedIsRotated() throws {
        let workspace = try Workspace()
        let config = workspace.temporary.path("limit.toml")
        try Data("[output]\nfsync = \"interval\"\nfsync_interval = 5\n".utf8).write(to: URL(fileURLWithPath: config))
        let articles = ArticleGenerator.seedLikeArticles(300, seed: 81)
        for (index, bytes) in articles.enumerated() { try workspace.write(String(format: "%03d.txt", index), bytes) }
        let limit = 600_000
        let daemon = try startUnder(fileSizeLimit: limit, workspace.arguments + ["--config", config], in: workspace)
        func outputs() -> [URL] { Self.outputs(of: workspace) }
        #expect(Wait.until(seconds: 120) { ids(in: outputs()).count == Set(articles).count }, "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        let files = outputs()
        #expect(files.count > 2, "\(files)")
        for file in files {
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? .max
            #expect(size <= limit, "\(file.lastPathComponent): \(size) bytes")
        }
        let all = ids(in: files)
        #expect(Set(all).count == all.count && all.count == Set(articles).count)
        #expect(daemon.log.contains("reached the largest file size") && daemon.log.contains("reason=limit"))
        #expect(!daemon.log.contains("database or disk is full"), "\(daemon.log)")
    }

    /// The error log at that limit is rotated the same way: a flood of failures does not stall the writer.
    /// The failures here are files whose names are not UTF-8: each is reported, and the state keeps no row of
    /// them, so its own files stay under the limit.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"), "needs prlimit"))
    func anErrorLogAtTheLargestFileSizeAllowedIsRotated() throws {
        let workspace = try Workspace()
        let config = workspace.temporary.path("limit.toml")
        try Data("[output]\nfsync = \"interval\"\nfsync_interval = 5\n".utf8).write(to: URL(fileURLWithPath: config))
        // About 400 bytes of error line each: 800 KB in all.
        let names = (0..<2000).map { String(format: "%04d-", $0) + String(repeating: "x", count: 100) }
        for name in names { try workspace.writeLegacyNamed(Array(name.utf8) + [0xE9] + Array(".txt".utf8), [0x41]) }
        let limit = 600_000
        // Errors only: a warning per file would take the daemon's own log (a file here) to the limit too.
        let daemon = try startUnder(
            fileSizeLimit: limit, workspace.arguments + ["--config", config, "--log-level", "error"], in: workspace)
        let directory = workspace.errors.deletingLastPathComponent()
        func errorLogs() -> [URL] {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
                .filter { $0.hasPrefix("errors") && $0.hasSuffix(".jsonl") }
                .map { directory.appendingPathComponent($0) }
        }
        func reportedNames() -> [String] {
            errorLogs().flatMap { Workspace.lines(of: $0) }.compactMap {
                ((try? JSONSerialization.jsonObject(with: $0) as? [String: Any])?["path"] as? String)?
                    .split(separator: "/").last?.replacingOccurrences(of: "\\xE9.txt", with: "")
            }
        }
        #expect(Wait.until(seconds: 120) { reportedNames().count >= names.count }, "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        let files = errorLogs()
        #expect(files.count >= 2, "\(files)")
        for file in files {
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? .max
            #expect(size <= limit, "\(file.lastPathComponent): \(size) bytes")
        }
        let reported = reportedNames()
        let eachOnce = reported.sorted() == names
        #expect(eachOnce, "\(reported.count) error lines for \(names.count) files")
        #expect(!daemon.log.contains("could not"), "\(daemon.log)")
    }

    /// The daemon run with `arguments` in `workspace` under `prlimit --fsize=LIMIT`.
    func startUnder(fileSizeLimit limit: Int, _ arguments: [String], in workspace: Workspace) throws
        -> DaemonProcess
    {
        try DaemonProcess(
            binary: URL(fileURLWithPath: "/usr/bin/prlimit"),
            arguments: ["--fsize=\(limit):\(limit)", "--", runner.binary.path] + arguments,
            in: workspace.temporary.url
        )
    }

    @Test func aRestartAfterMidnightRotatesYesterdaysOutputFirst() throws {
        let workspace = try Workspace()
        let directory = workspace.output.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // What a daemon stopped before midnight left: one line, last written yesterday.
        try Data("{\"id\":\"yesterday\"}\n".utf8).write(to: workspace.output)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -36 * 3600)], ofItemAtPath: workspace.output.path)
        let config = workspace.temporary.path("daily.toml")
        try Data("[output]\nrotate_daily = true\n".utf8).write(to: URL(fileURLWithPath: config))
        try workspace.write("today.txt", ArticleGenerator.seedLikeArticles(1, seed: 79)[0])
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--config", config], in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 60) { workspace.records().contains { $0["id"] as? String != "yesterday" } },
            "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")

        // Today's record opens a new file; yesterday's line is in the rotated one, alone.
        #expect(ids(in: [workspace.output]).count == 1 && !ids(in: [workspace.output]).contains("yesterday"))
        let rotated = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("articles-") && $0.hasSuffix(".jsonl") }
        #expect(rotated.count == 1, "\(rotated)")
        #expect(ids(in: rotated.map { directory.appendingPathComponent($0) }) == ["yesterday"])
        #expect(daemon.log.contains("rotated the output"), "\(daemon.log)")
    }
}

/// `SIGHUP` reloads a valid configuration and keeps the old one, with the reason, when it is not.
@Suite struct ReloadTests {
    @Test func sighupReloadsTheWatchedDirectoriesAndRejectsABadFile() throws {
        let workspace = try Workspace()
        let other = workspace.temporary.url.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let config = URL(fileURLWithPath: workspace.temporary.path("newsingest.toml"))
        func configuration(watching directory: URL, extra: String = "") -> Data {
            Data(
                """
                [[source.directory]]
                path = "\(directory.path)"
                [output]
                path = "\(workspace.output.path)"
                errors = "\(workspace.errors.path)"
                [state]
                directory = "\(workspace.temporary.path("out/state"))"
                \(extra)
                """.utf8
            )
        }
        try configuration(watching: workspace.input).write(to: config)
        let daemon = try DaemonProcess(
            binary: BinaryRunner().binary,
            arguments: ["run", "--config", config.path],
            in: workspace.temporary.url
        )
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 90)

        try configuration(watching: other).write(to: config)
        kill(daemon.processIdentifier, SIGHUP)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("configuration reloaded: watching") }, "\(daemon.log)")
        try Data(articles[0]).write(to: other.appendingPathComponent("001.txt"))
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")

        try configuration(watching: workspace.input, extra: "[daemon]\nbogus = 1").write(to: config)
        kill(daemon.processIdentifier, SIGHUP)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("daemon.bogus: unknown key") }, "\(daemon.log)")
        // The old configuration stays: `other` is still watched.
        try Data(articles[1]).write(to: other.appendingPathComponent("002.txt"))
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
    }
}
