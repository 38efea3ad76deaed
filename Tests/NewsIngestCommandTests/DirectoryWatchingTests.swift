import ArticleFixtures
import Foundation
import NewsIngestSystem
import TestSupport
import Testing

/// How the directory source finds files: subdirectories, renamed and recreated directories, hidden ones,
/// floods of files, an overflowed inotify queue, rescans, names that are not UTF-8, symbolic links, inode
/// order.
@Suite struct DirectoryWatchingTests: DaemonSuite {
    let runner = BinaryRunner()

    @Test func subdirectoriesAndARecreatedWatchedDirectory() throws {
        let workspace = try Workspace()
        let daemon = try start(workspace, extra: ["--recursive"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") })
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 11)
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
        let articles = ArticleGenerator.seedLikeArticles(5, seed: 23)
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
        let articles = ArticleGenerator.seedLikeArticles(4, seed: 19)
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
        let articles = ArticleGenerator.seedLikeArticles(10_000, seed: 3)
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
        let articles = ArticleGenerator.seedLikeArticles((Self.inotifyQueueLimit ?? 16_384) / 2 + 1_000, seed: 37)
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
        try Data(ArticleGenerator.seedLikeArticles(1, seed: 13)[0]).write(to: staged)
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
        for (index, bytes) in ArticleGenerator.seedLikeArticles(3, seed: 31).enumerated() {
            try Data(bytes).write(to: staging.appendingPathComponent("\(index).txt"))
        }
        try FileManager.default.moveItem(at: staging, to: workspace.input.appendingPathComponent("batch"))
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(!daemon.log.contains("no inotify event announced"), "\(daemon.log)")
    }

    /// A file name holding a line feed (and a byte that is not UTF-8, so it is logged) cannot write a line of
    /// its own into the daemon's log.
    @Test func aFileNameCannotForgeALogLine() throws {
        let workspace = try Workspace()
        let daemon = try start(workspace)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") }, "\(daemon.log)")
        let forged = "x\n2026-12-02T00:00:00.000Z critical newsingest: FAKE "
        try workspace.writeLegacyNamed(Array(forged.utf8) + [0xFF] + Array(".txt".utf8), Array("Tin".utf8))
        #expect(Wait.until(seconds: 60) { workspace.errorRecords().count == 1 }, "\(daemon.log)")
        #expect(Wait.until(seconds: 60) { daemon.log.contains("FAKE") }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let lines = daemon.log.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("2026-12-02T00:00:00.000Z") }, "\(daemon.log)")
        #expect(
            daemon.log.contains("x\\n2026-12-02T00:00:00.000Z critical newsingest: FAKE \\xFF.txt"), "\(daemon.log)")
    }

    @Test func namesThatAreNotUTF8AreReportedOnceNotSilentlySkipped() throws {
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 17)
        // In the backlog:
        try workspace.writeLegacyNamed(Array("tin-t".utf8) + [0xE9] + Array("c.txt".utf8), articles[0])
        let daemon = try start(workspace, extra: ["--recursive"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("watching") }, "\(daemon.log)")
        try workspace.writeLegacyNamed(Array("b".utf8) + [0xE0] + Array("i.txt".utf8), articles[1])  // arriving
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

    /// `follow_symlinks = "inside"` (the default): a link to a file outside every watched directory (to
    /// `/etc/shadow`, say, for a daemon running as root) is reported once and not read; one to a file inside a
    /// watched directory is read; `never` reads none.
    @Test func aSymbolicLinkOutsideTheWatchedDirectoriesIsReportedNotRead() throws {
        let workspace = try Workspace()
        let elsewhere = workspace.temporary.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 29)
        try Data(articles[0]).write(to: elsewhere.appendingPathComponent("secret.txt"))
        let inside = workspace.input.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        try Data(articles[1]).write(to: inside.appendingPathComponent("article.md"))  // not taken by its name
        try FileManager.default.createSymbolicLink(
            at: workspace.input.appendingPathComponent("secret.txt"),
            withDestinationURL: elsewhere.appendingPathComponent("secret.txt"))
        try FileManager.default.createSymbolicLink(
            at: workspace.input.appendingPathComponent("inside.txt"),
            withDestinationURL: inside.appendingPathComponent("article.md"))
        let daemon = try start(workspace, extra: ["--rescan-interval", "1"])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(Wait.until(seconds: 60) { workspace.errorRecords().count == 1 }, "\(daemon.log)")
        let source = try #require(workspace.records().first?["source"] as? [String: Any])
        #expect(source["path"] as? String == workspace.input.appendingPathComponent("inside.txt").path)
        let error = try #require(workspace.errorRecords().first)
        #expect(error["code"] as? String == "symlink_not_followed")
        #expect((error["reason"] as? String)?.contains("outside every watched directory") == true, "\(error)")
        // Rescans every second report it no more: two files only a rescan finds (a hard link makes no event)
        // are taken one after the other meanwhile.
        for (index, bytes) in ArticleGenerator.seedLikeArticles(2, seed: 31).enumerated() {
            let staged = workspace.temporary.url.appendingPathComponent("staged\(index).txt")
            try Data(bytes).write(to: staged)
            #expect(link(staged.path, workspace.input.appendingPathComponent("hard\(index).txt").path) == 0)
            #expect(Wait.until(seconds: 60) { workspace.records().count == 2 + index }, "\(daemon.log)")
        }
        #expect(daemon.stop() == 0)
        #expect(workspace.errorRecords().count == 1)
        let paths = workspace.records().compactMap { ($0["source"] as? [String: Any])?["path"] as? String }
        #expect(paths.count == 3 && !paths.contains { $0.hasSuffix("secret.txt") }, "\(paths)")

        let never = try Workspace()
        try FileManager.default.createSymbolicLink(
            at: never.input.appendingPathComponent("linked.txt"),
            withDestinationURL: workspace.input.appendingPathComponent("inside.txt"))
        let strict = try start(never, extra: ["--follow-symlinks", "never"])
        #expect(Wait.until(seconds: 60) { never.errorRecords().count == 1 }, "\(strict.log)")
        #expect(strict.stop() == 0)
        #expect(never.records().isEmpty)
        #expect((never.errorRecords().first?["reason"] as? String)?.contains("never") == true)
    }

    /// With `follow_symlinks = "any"`, a link to an article anywhere is read; a link to a directory never is.
    @Test func aSymbolicLinkToAnArticleIsTakenOneToADirectoryIsNotFollowed() throws {
        let workspace = try Workspace()
        let elsewhere = workspace.temporary.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 19)
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
        let daemon = try start(workspace, extra: ["--recursive", "--follow-symlinks", "any"])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        let source = try #require(workspace.records().first?["source"] as? [String: Any])
        #expect(source["path"] as? String == workspace.input.appendingPathComponent("linked.txt").path)
        // Rescans (a hard link is found only by one) take nothing else.
        let staged = workspace.temporary.url.appendingPathComponent("staged.txt")
        try Data(ArticleGenerator.seedLikeArticles(1, seed: 23)[0]).write(to: staged)
        #expect(link(staged.path, workspace.input.appendingPathComponent("hard.txt").path) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(workspace.records().count == 2)
    }

    @Test func aBacklogIsReadInTheOrderOfItsInodes() throws {
        let workspace = try Workspace()
        // Names in an order unrelated to creation, so the directory's own order is not the inodes'.
        var generator = SystemRandomNumberGenerator()
        let articles = ArticleGenerator.seedLikeArticles(300, seed: 11)
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
}
