import ArticleFixtures
import Foundation
import NewsIngestSystem
import TestSupport
import Testing

/// What counts as the same article: the same content under `dedupe = "content"`; under `"none"`, the same
/// file (a `touch`, a rename, an archive extracted) is not a new article, a new file with its content is.
@Suite struct DeduplicationTests: DaemonSuite {
    let runner = BinaryRunner()

    @Test func identicalContentIsEmittedOnceAndRewrittenContentAgain() throws {
        let workspace = try Workspace()
        let article = try RepositoryFiles.seed(RepositoryFiles.seedNames[1])
        try workspace.write("a.txt", article)
        try workspace.write("b.txt", article)
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 })
        // The same path rewritten with new content yields a new record.
        try workspace.write("a.txt", ArticleGenerator.seedLikeArticles(1, seed: 99)[0])
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
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 71)
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
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 73)
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
        let articles = ArticleGenerator.seedLikeArticles(200, seed: 73)
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
}
