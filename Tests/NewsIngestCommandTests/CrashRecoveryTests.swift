import ArticleFixtures
import Foundation
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
        var workspace = try DaemonTests.Workspace()
        let configuration = workspace.temporary.path("none.toml")
        try Data("[output]\ndedupe = \"none\"\n".utf8).write(to: URL(fileURLWithPath: configuration))
        workspace.extraArguments = ["--config", configuration, "--recursive"]
        let articles = DaemonTests.articles(3, seed: 29)
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

    /// `after = "move"` moves a file only once its outcome is committed, and a file found done by a later scan
    /// (a kill came between commit and move) is moved then: every article ends up in the done directory once,
    /// under its own name, and in the output once.
    @Test func withFilesMovedAfterCommitAKilledDaemonEmitsAndMovesEveryFileOnce() throws {
        try killRepeatedly(articleCount: 1_500, kills: 20, movingIntoDone: true)
    }

    /// Writes `articleCount` articles (and `copies` of the first ones under other names) and 60 bad files,
    /// kills the daemon `expectedKills` times at random moments, then lets it finish and checks the output
    /// and the error log. With `dedupe = "none"` in `configuration`, every file must appear exactly once;
    /// otherwise every distinct article. With `movingIntoDone`, the directory is configured with
    /// `after = "move"`, and every article file must end up in the done directory, once.
    private func killRepeatedly(
        articleCount: Int, kills expectedKills: Int, copies: Int = 0, configuration: String? = nil,
        movingIntoDone: Bool = false
    ) throws {
        var workspace = try DaemonTests.Workspace()
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
        let articles = DaemonTests.articles(articleCount, seed: 42)
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
        #expect(
            Wait.until(seconds: 600) {
                DaemonTests.Workspace.lines(of: workspace.output).count >= expected
                    && DaemonTests.Workspace.lines(of: workspace.errors).count >= badNames.count
            },
            "\(final.log)")
        #expect(final.stop() == 0)

        let lines = DaemonTests.Workspace.lines(of: workspace.output)
        let data = try Data(contentsOf: workspace.output)
        #expect(data.last == 0x0A, "the output ends with a whole line")
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
        let failedPaths = DaemonTests.Workspace.lines(of: workspace.errors).map { line in
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
