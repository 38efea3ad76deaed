import ArticleFixtures
import Foundation
import NewsIngestSystem
import TestSupport
import Testing

/// The exactly-once promise under `SIGKILL`: kill the daemon at random moments while it ingests, restart it,
/// and the output must hold every article exactly once with no torn line, and the error log every bad file
/// exactly once, whole.
@Suite struct CrashRecoveryTests {
    @Test func killedTwentyTimesWhileIngestingEveryArticleAppearsExactlyOnce() throws {
        try killRepeatedly(articleCount: 3_000, kills: 25)
    }

    /// `fsync = "interval"` commits batches only with the sync that makes them durable: lines sit in the
    /// output uncommitted for up to a second, and a kill then must not lose or repeat any of them either.
    @Test func withSyncsEveryIntervalAKilledDaemonStillEmitsEveryArticleOnce() throws {
        try killRepeatedly(
            articleCount: 1_500, kills: 20, configuration: "[output]\nfsync = \"interval\"\nfsync_interval = 0.5\n")
    }

    /// Rotation by size while the daemon is killed: a kill between rotating the output and committing must
    /// neither lose the lines of the rotated file nor write them again into the new one. Every article is in
    /// exactly one of the output's files, once, with or without deduplication.
    @Test(arguments: ["content", "none"])
    func killedWhileRotatingTheOutputEveryArticleAppearsOnceAcrossItsFiles(dedupe: String) throws {
        try killRepeatedly(
            articleCount: 1_500, kills: 20, copies: 100,
            configuration: "[output]\nrotate_bytes = 700000\ndedupe = \"\(dedupe)\"\n", rotates: true)
    }

    /// With `dedupe = "none"`, a line past the committed end is recognized by its file's path and content
    /// alone: copies of an article under other names must each appear once, no more. The recognition is
    /// committed with the outcome it decides: a kill in between must leave the line to be recognized again.
    @Test(arguments: ["batch", "interval"])
    func withoutDeduplicationAKilledDaemonEmitsEveryFileOnceCopiesIncluded(sync: String) throws {
        try killRepeatedly(
            articleCount: 1_500, kills: 20, copies: 150,
            configuration: "[output]\ndedupe = \"none\"\nfsync = \"\(sync)\"\nfsync_interval = 0.5\n")
    }

    /// With `dedupe = "none"`, a line written before a crash and never committed is recognized when its file
    /// is read again at another path: a directory above it was renamed before the restart. (A state started
    /// afresh on an existing output adopts all of its lines, as after a crash before any commit.)
    @Test func withoutDeduplicationARecoveredLineIsRecognizedAfterItsDirectoryWasRenamed() throws {
        var workspace = try Workspace()
        let configuration = workspace.temporary.path("none.toml")
        try Data("[output]\ndedupe = \"none\"\n".utf8).write(to: URL(fileURLWithPath: configuration))
        workspace.extraArguments = ["--config", configuration, "--recursive"]
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 29)
        let day = workspace.input.appendingPathComponent("day")
        try FileManager.default.createDirectory(at: day, withIntermediateDirectories: true)
        try Data(articles[0]).write(to: day.appendingPathComponent("a.txt"))
        try workspace.write("b.txt", articles[1])
        let first = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(first.log)")
        #expect(first.stop() == 0)

        try FileManager.default.moveItem(at: day, to: workspace.input.appendingPathComponent("archived"))
        try workspace.write("c.txt", articles[2])
        let second = try DaemonProcess(
            binary: BinaryRunner().binary,
            arguments: workspace.arguments + ["--state-dir", workspace.temporary.path("fresh-state")],
            in: workspace.temporary.url)
        // c.txt, the newest inode, is taken last by the scan; the stop finishes what was taken before it.
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(second.log)")
        #expect(second.stop() == 0)
        #expect(second.log.contains("adopted lines written before a crash"), "\(second.log)")
        #expect(second.log.contains("duplicates=2 emitted=1"), "\(second.log)")
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        #expect(names.sorted() == ["a.txt", "b.txt", "c.txt"], "\(second.log)")
    }

    /// A workspace under `dedupe = "none"` whose daemon emitted `a.txt` (the first of two articles made from
    /// `seed`) and stopped cleanly; the second article is left for a later file.
    func workspaceThatEmittedOneFileWithoutDeduplication(seed: UInt64) throws -> (Workspace, [UInt8]) {
        var workspace = try Workspace()
        let configuration = workspace.temporary.path("none.toml")
        try Data("[output]\ndedupe = \"none\"\n".utf8).write(to: URL(fileURLWithPath: configuration))
        workspace.extraArguments = ["--config", configuration]
        let articles = ArticleGenerator.seedLikeArticles(2, seed: seed)
        try workspace.write("a.txt", articles[0])
        let first = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(first.log)")
        #expect(first.stop() == 0)
        return (workspace, articles[1])
    }

    /// Renames the workspace's `a.txt` to `renamed.txt` and sets its times an hour back.
    func renameAndSetAnHourBack(_ workspace: Workspace) throws -> URL {
        let renamed = workspace.input.appendingPathComponent("renamed.txt")
        try FileManager.default.moveItem(at: workspace.input.appendingPathComponent("a.txt"), to: renamed)
        var anHourEarlier = Array(repeating: timespec(tv_sec: time(nil) - 3600, tv_nsec: 0), count: 2)
        #expect(utimensat(AT_FDCWD, renamed.path, &anHourEarlier, 0) == 0)
        return renamed
    }

    /// The same, for a line whose record gives no birth time (one written before records gave it), when the
    /// file is renamed and touched after the restart that adopted the line: the line keeps the file it found
    /// at its path (device, inode, birth time), and recognizes it whatever its name and times. Here the
    /// restart that adopts the line watches another directory, so the file is read only by the next one,
    /// after it was renamed and touched.
    @Test func withoutDeduplicationARecoveredLineIsRecognizedAfterItsFileWasRenamedAndTouched() throws {
        let (workspace, later) = try workspaceThatEmittedOneFileWithoutDeduplication(seed: 31)
        let binary = BinaryRunner().binary
        let output = workspace.output.path
        let line = try String(contentsOfFile: output, encoding: .utf8)
        let withoutIdentity = line.replacingOccurrences(
            of: #","device":[0-9]+,"inode":[0-9]+,"born_at":"[^"]*""#, with: "", options: .regularExpression)
        #expect(withoutIdentity != line && !withoutIdentity.contains("born_at"))
        try Data(withoutIdentity.utf8).write(to: URL(fileURLWithPath: output))

        // A fresh state adopts the line as after a crash, while watching an empty directory.
        let fresh = ["--state-dir", workspace.temporary.path("fresh-state")]
        let elsewhere = workspace.temporary.path("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let watchingElsewhere = workspace.arguments.map { $0 == workspace.input.path ? elsewhere : $0 }
        let adopting = try DaemonProcess(
            binary: binary, arguments: watchingElsewhere + fresh, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { adopting.log.contains("watching") }, "\(adopting.log)")
        #expect(adopting.stop() == 0)
        #expect(adopting.log.contains("adopted lines written before a crash"), "\(adopting.log)")

        let renamed = try renameAndSetAnHourBack(workspace)
        try workspace.write("z.txt", later)
        let last = try DaemonProcess(
            binary: binary, arguments: workspace.arguments + fresh, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count >= 2 }, "\(last.log)")
        #expect(last.stop() == 0)
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        if try FileDescriptor(openingForReading: renamed.path).status().bornNanoseconds != nil {
            #expect(names == ["a.txt", "z.txt"], "\(last.log)")
            #expect(last.log.contains("duplicates=1 emitted=1"), "\(last.log)")
        } else {
            // A file system that keeps no birth times: the renamed, touched file is taken for a new arrival.
            #expect(names.sorted() == ["a.txt", "renamed.txt", "z.txt"], "\(last.log)")
        }
    }

    /// The same, when the file was renamed and touched before the restart that adopts its line, so that no
    /// file is found at its path then, nor one of its size and time elsewhere: the record gave the file's
    /// device, inode and birth time, and those recognize it.
    @Test func withoutDeduplicationARecoveredLineIsRecognizedWhenItsFileWasRenamedAndTouchedBeforeTheRestart()
        throws
    {
        let (workspace, later) = try workspaceThatEmittedOneFileWithoutDeduplication(seed: 37)
        let source = try #require(workspace.records().first?["source"] as? [String: Any])
        let status = try FileDescriptor(openingForReading: workspace.input.appendingPathComponent("a.txt").path)
            .status()
        #expect(source["inode"] as? Int == Int(status.inode) && source["device"] as? Int == Int(status.device))

        _ = try renameAndSetAnHourBack(workspace)
        try workspace.write("z.txt", later)
        // A fresh state adopts the line as after a crash that came between its write and its commit.
        let restarted = try DaemonProcess(
            binary: BinaryRunner().binary,
            arguments: workspace.arguments + ["--state-dir", workspace.temporary.path("fresh-state")],
            in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count >= 2 }, "\(restarted.log)")
        #expect(restarted.stop() == 0)
        #expect(restarted.log.contains("adopted lines written before a crash"), "\(restarted.log)")
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        if status.bornNanoseconds != nil {
            #expect(source["born_at"] is String)
            #expect(names == ["a.txt", "z.txt"], "\(restarted.log)")
            #expect(restarted.log.contains("duplicates=1 emitted=1"), "\(restarted.log)")
        } else {
            // A file system that keeps no birth times: the renamed, touched file is taken for a new arrival.
            #expect(source["born_at"] is NSNull)
            #expect(names.sorted() == ["a.txt", "renamed.txt", "z.txt"], "\(restarted.log)")
        }
    }

    /// A crash between a batch's write and its commit, then `logrotate` renaming the output and the error log
    /// before the restart: the lines the crash left are in the renamed files, beside the paths. Start-up finds
    /// them there by the files' device and inode: a record line is adopted (its file is not emitted again), a
    /// torn tail and the batch's error line are cut, and the new files at the paths are left alone.
    @Test func linesACrashLeftInAnOutputRenamedBeforeTheRestartAreRecoveredThere() throws {
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 41)
        try workspace.write("a.txt", articles[0])
        let binary = BinaryRunner().binary
        let first = try DaemonProcess(binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(first.log)")
        #expect(first.stop() == 0)

        // As if a batch holding b.txt's record and c.txt's error had been written when the daemon was killed.
        let bPath = workspace.input.appendingPathComponent("b.txt").path
        try Data(articles[1]).write(to: URL(fileURLWithPath: bPath))
        let parsed = try BinaryRunner().run(["parse", bPath])
        #expect(parsed.status == 0 && parsed.output.last == 0x0A)
        let committedOutput = try Data(contentsOf: workspace.output)
        let committedErrors = (try? Data(contentsOf: workspace.errors)) ?? Data()
        let outputHandle = try FileHandle(forWritingTo: workspace.output)
        outputHandle.seekToEndOfFile()
        outputHandle.write(parsed.output + Data("{\"schema\":\"newsingest.article/1\",\"id\":\"to".utf8))
        try outputHandle.close()
        if !FileManager.default.fileExists(atPath: workspace.errors.path) {
            #expect(FileManager.default.createFile(atPath: workspace.errors.path, contents: nil))
        }
        let errorHandle = try FileHandle(forWritingTo: workspace.errors)
        errorHandle.seekToEndOfFile()
        errorHandle.write(Data("{\"path\":\"/in/c.txt\",\"reason\":\"not text\"}\n".utf8))
        try errorHandle.close()
        // logrotate: renamed, and new files made at the paths.
        let rotatedOutput = workspace.temporary.url.appendingPathComponent("out/articles.jsonl.1")
        let rotatedErrors = workspace.temporary.url.appendingPathComponent("out/errors.jsonl.1")
        try FileManager.default.moveItem(at: workspace.output, to: rotatedOutput)
        try FileManager.default.moveItem(at: workspace.errors, to: rotatedErrors)
        #expect(FileManager.default.createFile(atPath: workspace.output.path, contents: nil))
        #expect(FileManager.default.createFile(atPath: workspace.errors.path, contents: nil))

        try workspace.write("z.txt", articles[2])
        let restarted = try DaemonProcess(binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(restarted.log)")
        #expect(restarted.stop() == 0)
        #expect(restarted.log.contains("adopted lines written before a crash"), "\(restarted.log)")
        #expect(restarted.log.contains("path=\(rotatedOutput.path)"), "\(restarted.log)")
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        #expect(names == ["z.txt"], "b.txt's line was adopted from the renamed output: \(restarted.log)")
        #expect(try Data(contentsOf: rotatedOutput) == committedOutput + parsed.output, "the torn tail is cut")
        #expect(try Data(contentsOf: rotatedErrors) == committedErrors, "the uncommitted error line is cut")

        // Rotated into another directory (logrotate's `olddir`) while stopped: not found, and said so, not
        // taken for a truncation by hand.
        let olddir = workspace.temporary.url.appendingPathComponent("old")
        try FileManager.default.createDirectory(at: olddir, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: workspace.output, to: olddir.appendingPathComponent("articles.jsonl"))
        #expect(FileManager.default.createFile(atPath: workspace.output.path, contents: nil))
        let again = try DaemonProcess(binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { again.log.contains("watching") }, "\(again.log)")
        #expect(again.stop() == 0)
        #expect(again.log.contains("the output is another file than the one committed last"), "\(again.log)")
        #expect(!again.log.contains("truncated or replaced by hand"), "\(again.log)")
    }

    /// `after = "move"` moves a file only once its outcome is committed, and a file found done by a later scan
    /// (a kill came between commit and move) is moved then: every article ends up in the done directory once,
    /// under its own name, and in the output once.
    @Test func withFilesMovedAfterCommitAKilledDaemonEmitsAndMovesEveryFileOnce() throws {
        try killRepeatedly(articleCount: 1_500, kills: 20, movingIntoDone: true)
    }

    /// Files written while subdirectories are made, renamed within the tree, and moved out of it, and the
    /// daemon is killed at random moments: with `dedupe = "none"`, no file may be emitted twice, whether
    /// its directory was renamed between its reading and its commit, its commit and its deletion, or its line
    /// and a restart; every file still in the tree is emitted (and, under `after = "delete"`, deleted).
    @Test(arguments: ["keep", "delete"])
    func withDirectoriesRenamedWhileKilledNoFileIsEmittedTwice(after: String) throws {
        var workspace = try Workspace()
        let input = workspace.input
        let arguments = try workspace.argumentsWatchingRecursively(after: after, dedupe: "none")
        let away = workspace.temporary.url.appendingPathComponent("away")
        try FileManager.default.createDirectory(at: away, withIntermediateDirectories: true)
        let binary = BinaryRunner().binary
        let articles = ArticleGenerator.seedLikeArticles(1_500, seed: 53)
        var random = SplitMix64(seed: 2027)
        var directories = [input]
        var written: [String: String] = [:]  // file name: the directory it was written into
        var movedAway: Set<String> = []
        var daemon = try DaemonProcess(binary: binary, arguments: arguments, in: workspace.temporary.url)
        var kills = 0
        for (index, bytes) in articles.enumerated() {
            let name = String(format: "%04d.txt", index)
            let choice = random.next() % 100
            if choice < 8 {
                let made = directories[Int(random.next() % UInt64(directories.count))]
                    .appendingPathComponent("d\(index)")
                try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
                directories.append(made)
            } else if choice < 14, directories.count > 1 {
                let old = directories[1 + Int(random.next() % UInt64(directories.count - 1))]
                let new = old.deletingLastPathComponent().appendingPathComponent("r\(index)")
                try FileManager.default.moveItem(at: old, to: new)
                directories = directories.map { directory in
                    guard directory.path == old.path || directory.path.hasPrefix(old.path + "/") else {
                        return directory
                    }
                    return URL(fileURLWithPath: new.path + directory.path.dropFirst(old.path.count))
                }
            } else if choice < 17, directories.count > 1 {
                let old = directories[1 + Int(random.next() % UInt64(directories.count - 1))]
                if let enumerator = FileManager.default.enumerator(atPath: old.path) {
                    for case let file as String in enumerator { movedAway.insert((file as NSString).lastPathComponent) }
                }
                try FileManager.default.moveItem(at: old, to: away.appendingPathComponent("a\(index)"))
                directories.removeAll { $0.path == old.path || $0.path.hasPrefix(old.path + "/") }
            }
            let directory = directories[Int(random.next() % UInt64(directories.count))]
            try Data(bytes).write(to: directory.appendingPathComponent(name))
            written[name] = directory.path
            if random.next() % 100 == 0 {
                if daemon.stop(signal: SIGKILL) == 128 + SIGKILL { kills += 1 }
                daemon = try DaemonProcess(binary: binary, arguments: arguments, in: workspace.temporary.url)
            }
            usleep(UInt32(random.next() % 3_000))
        }
        #expect(kills >= 5)

        // Every file still in the tree must be emitted; under `after = "delete"` the tree empties.
        let expected = Set(written.keys).subtracting(movedAway)
        #expect(
            Wait.until(seconds: 300) {
                let names = Set(
                    workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String })
                return names.isSuperset(of: expected)
            },
            "\(daemon.log)")
        // Two rescans more (a second apart here): a file read twice would be by now.
        let rescans = daemon.log.components(separatedBy: "reason=periodic").count
        _ = Wait.until(seconds: 10) { daemon.log.components(separatedBy: "reason=periodic").count > rescans + 2 }
        #expect(daemon.stop() == 0)
        let names = workspace.records().compactMap { ($0["source"] as? [String: Any])?["name"] as? String }
        let repeated = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys
        #expect(repeated.isEmpty, "emitted twice: \(repeated.sorted())")
        #expect(Set(names).isSuperset(of: expected))
        #expect(Set(names).isSubset(of: Set(written.keys)))
        if after == "delete" {
            let left = FileManager.default.enumerator(atPath: input.path)?.allObjects.compactMap { $0 as? String }
            #expect(left?.filter { $0.hasSuffix(".txt") } == [], "files left: \(left ?? [])")
        }
    }

    /// Writes `articleCount` articles (and `copies` of the first ones under other names) and 60 bad files,
    /// kills the daemon `expectedKills` times at random moments, then lets it finish and checks the output
    /// and the error log. With `dedupe = "none"` in `configuration`, every file must appear exactly once;
    /// otherwise every distinct article. With `movingIntoDone`, the directory is configured with
    /// `after = "move"`, and every article file must end up in the done directory, once.
    /// An index of several hundred links, some to bad bytes, fetched while the daemon is killed at random
    /// moments twenty times: every linked article appears exactly once, with or without deduplication (a
    /// link fetched again after a kill is recognized by its adopted line, or its commit), no line is torn,
    /// and each bad link is in the error log once.
    @Test(arguments: ["content", "none"])
    func killedWhileFetchingAnIndexEveryLinkedArticleAppearsExactlyOnce(dedupe: String) throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(400, seed: 613)
        let bad = (0..<20).map { [0x00, 0x01, 0x02] + Array("bad link \($0)".utf8) }
        let config = try URLSourceTests().serveIndex("killed", of: articles + bad, on: server, for: workspace)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: config))
        handle.seekToEndOfFile()
        handle.write(Data("\n[output]\ndedupe = \"\(dedupe)\"\n".utf8))
        try handle.close()
        let arguments = workspace.arguments + ["--config", config]
        let binary = BinaryRunner().binary
        var random = SplitMix64(seed: 613)
        var kills = 0
        for _ in 0..<20 {
            let daemon = try DaemonProcess(binary: binary, arguments: arguments, in: workspace.temporary.url)
            usleep(UInt32(20_000 + random.next() % 400_000))
            if daemon.stop(signal: SIGKILL) == 128 + SIGKILL { kills += 1 }
        }
        #expect(kills >= 16)

        let expected = dedupe == "none" ? articles.count : Set(articles).count
        let final = try DaemonProcess(binary: binary, arguments: arguments, in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 600) {
                Workspace.lines(of: workspace.output).count >= expected
                    && Workspace.lines(of: workspace.errors).count >= bad.count
            }, "\(final.log)")
        // A few more polls of the index, which must add nothing.
        let polls = server.requests.count
        #expect(Wait.until(seconds: 60) { server.requests.count >= polls + 3 })
        #expect(final.stop() == 0)

        let data = try Data(contentsOf: workspace.output)
        #expect(data.last == 0x0A, "the output ends with a whole line")
        let records = Workspace.lines(of: workspace.output).map {
            try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
        }
        #expect(!records.contains { $0 == nil }, "a line is not a whole record")
        let urls = records.compactMap { ($0?["source"] as? [String: Any])?["url"] as? String }
        let ids = records.compactMap { $0?["id"] as? String }
        #expect(urls.count == expected, "\(final.log)")
        if dedupe == "none" {
            #expect(Set(urls).count == urls.count, "a link appears twice")
        } else {
            #expect(Set(ids).count == ids.count, "an article appears twice")
        }
        #expect(Set(ids).count == Set(articles).count, "an article is missing")
        let failed = Workspace.lines(of: workspace.errors).map { line in
            ((try? JSONSerialization.jsonObject(with: line) as? [String: Any])?["path"] as? String) ?? "<torn>"
        }
        let badURLs = bad.indices.map { server.url("killed/\(articles.count + $0).txt") }
        #expect(failed.sorted() == badURLs.sorted(), "each bad link is reported once")
    }

    private func killRepeatedly(
        articleCount: Int, kills expectedKills: Int, copies: Int = 0, configuration: String? = nil,
        movingIntoDone: Bool = false, rotates: Bool = false
    ) throws {
        var workspace = try Workspace()
        let done = workspace.temporary.path("done")
        var configuration = configuration ?? ""
        if movingIntoDone {
            configuration =
                "[[source.directory]]\npath = \"\(workspace.input.path)\"\nafter = \"move\"\n"
                + "done_directory = \"\(done)\"\n" + configuration
        }
        if !configuration.isEmpty {
            let path = workspace.temporary.path("kill.toml")
            try Data(configuration.utf8).write(to: URL(fileURLWithPath: path))
            workspace.extraArguments = ["--config", path]
        }
        var arguments = workspace.arguments
        if movingIntoDone, let watch = arguments.firstIndex(of: "--watch") {
            arguments.removeSubrange(watch...watch + 1)
        }
        let articles = ArticleGenerator.seedLikeArticles(articleCount, seed: 42)
        for (index, bytes) in articles.enumerated() {
            try workspace.write(String(format: "%05d_%016x.txt", index, index), bytes)
        }
        for index in 0..<copies { try workspace.write(String(format: "copy_%05d.txt", index), articles[index]) }
        let articleNames = try FileManager.default.contentsOfDirectory(atPath: workspace.input.path)
        let deduplicates = !configuration.contains("dedupe = \"none\"")
        // Bad files among them: each must end up in the error log once.
        let badNames = (0..<60).map { String(format: "bad_%03d.txt", $0) }
        for name in badNames { try workspace.write(name, [0x00, 0x01, 0x02] + Array(name.utf8)) }
        let expected = deduplicates ? Set(articles).count : articles.count + copies
        let binary = BinaryRunner().binary
        var random = SplitMix64(seed: 2026)
        var kills = 0
        for _ in 0..<expectedKills {
            let daemon = try DaemonProcess(binary: binary, arguments: arguments, in: workspace.temporary.url)
            // Kill at a random moment: during start-up, recovery, scanning, writing or committing.
            usleep(UInt32(20_000 + random.next() % 400_000))
            if daemon.stop(signal: SIGKILL) == 128 + SIGKILL { kills += 1 }
            // Some lines may be torn now; they must never be counted twice or left behind.
        }
        #expect(kills >= expectedKills * 4 / 5)

        let final = try DaemonProcess(binary: binary, arguments: arguments, in: workspace.temporary.url)
        // The output and, when it rotates, the files it was rotated to.
        func outputs() -> [URL] { OutputRotationTests.outputs(of: workspace) }
        func outputLines() -> [Data] { outputs().flatMap { Workspace.lines(of: $0) } }
        #expect(
            Wait.until(seconds: 600) {
                outputLines().count >= expected
                    && Workspace.lines(of: workspace.errors).count >= badNames.count
            },
            "\(final.log)")
        #expect(final.stop() == 0)

        let lines = outputLines()
        #expect(rotates ? outputs().count > 3 : outputs().count == 1, "\(outputs())")
        for output in outputs() {
            let data = try Data(contentsOf: output)
            #expect(data.isEmpty || data.last == 0x0A, "\(output.lastPathComponent) ends with a whole line")
        }
        var ids: [String] = []
        var paths: [String] = []
        for (number, line) in lines.enumerated() {
            let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any]
            #expect(object != nil, "line \(number + 1) is not a whole record")
            if let id = object?["id"] as? String { ids.append(id) }
            if let path = (object?["source"] as? [String: Any])?["path"] as? String { paths.append(path) }
        }
        #expect(ids.count == expected)
        if deduplicates {
            #expect(Set(ids).count == ids.count, "an article appears twice")
            #expect(Set(ids).count == expected, "an article is missing")
        } else {
            #expect(Set(paths).count == paths.count, "a file appears twice")
            #expect(Set(paths).count == expected, "a file is missing")
            #expect(Set(ids).count == Set(articles).count, "an article is missing")
        }

        let errorData = try Data(contentsOf: workspace.errors)
        #expect(errorData.last == 0x0A, "the error log ends with a whole line")
        let failedPaths = Workspace.lines(of: workspace.errors).map { line in
            ((try? JSONSerialization.jsonObject(with: line) as? [String: Any])?["path"] as? String) ?? "<torn>"
        }
        #expect(failedPaths.sorted() == badNames.map { workspace.input.appendingPathComponent($0).path }.sorted())
        if movingIntoDone {
            let moved = try FileManager.default.contentsOfDirectory(atPath: done)
            #expect(moved.sorted() == articleNames.sorted(), "each article moved once, under its own name")
            let left = try FileManager.default.contentsOfDirectory(atPath: workspace.input.path)
            #expect(left.sorted() == badNames, "only the files that failed stay")
        }
    }
}
