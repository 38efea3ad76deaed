import ArticleFixtures
import Foundation
import NewsIngestSystem
import TestSupport
import Testing

/// `after = "move"` and `"delete"`, and the quarantine: only once the outcome is committed.
@Suite struct FileDisposalTests {
    /// Files of one archive share their time, articles often their size, and a file system hands the inode of
    /// a deleted file to the next one made: under `after = "delete"` the next file of the archive may have the
    /// device, inode, size and time of the one just deleted. Its inode's change time tells it apart: each is
    /// emitted. (Before, such a file was taken for the deleted one and deleted unread: 3 of 10 here.)
    @Test func aNewFileOnTheInodeOfADeletedOneWithItsSizeAndTimeIsTaken() throws {
        var workspace = try Workspace()
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
            // Made under a dot-name the daemon skips, given the archive's time, then renamed into place
            // (inode and times go with it): written in place, it could be taken and deleted before the test
            // set its time or read its inode.
            let staging = workspace.input.appendingPathComponent(String(format: ".%02d.txt", index)).path
            try Data(seed + Array(String(format: "\n\nBài số %02d.\n", index).utf8)).write(
                to: URL(fileURLWithPath: staging))
            #expect(utimensat(AT_FDCWD, staging, &archiveTime, 0) == 0)
            inodes.append(try FileManager.default.attributesOfItem(atPath: staging)[.systemFileNumber] as? Int ?? 0)
            #expect(rename(staging, path) == 0)
            #expect(Wait.until(seconds: 60) { !FileManager.default.fileExists(atPath: path) }, "\(daemon.log)")
        }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "inodes \(inodes): \(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(daemon.log.contains("emitted=10"), "\(daemon.log)")
    }

    @Test func committedFilesAreMovedOrDeletedAndBadOnesQuarantined() throws {
        let workspace = try Workspace()
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
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 31)
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
        #expect(Workspace.lines(of: workspace.errors).count == 1)
        #expect(try fileManager.contentsOfDirectory(atPath: workspace.input.path).isEmpty)
        #expect(daemon.stop() == 0)
    }

    /// `newsingest run` arguments for the workspace, its input directory configured with `after = "move"` into
    /// `done`.
    static func arguments(moving workspace: Workspace, into done: String) throws -> [String] {
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
        let workspace = try Workspace()
        let other = try #require(Self.otherFileSystem) + "/newsingest-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: other) }
        let done = other + "/done"
        let arguments = try Self.arguments(moving: workspace, into: done)
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 41)
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
        var workspace = try Workspace()
        let arguments = try workspace.argumentsWatchingRecursively(after: "delete", dedupe: "none")
        let articles = ArticleGenerator.seedLikeArticles(2_000, seed: 47)
        let day = workspace.input.appendingPathComponent("day")
        try FileManager.default.createDirectory(at: day, withIntermediateDirectories: true)
        for (index, bytes) in articles.enumerated() {
            try Data(bytes).write(to: day.appendingPathComponent(String(format: "%04d.txt", index)))
        }
        let daemon = try DaemonProcess(binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { Workspace.lines(of: workspace.output).count >= 100 })
        let renamed = workspace.input.appendingPathComponent("renamed")
        try FileManager.default.moveItem(at: day, to: renamed)
        #expect(
            Wait.until(seconds: 300) {
                Workspace.lines(of: workspace.output).count >= articles.count
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
        let workspace = try Workspace()
        let done = workspace.temporary.url.appendingPathComponent("done")
        let state = workspace.temporary.path("out/state")
        for (index, bytes) in ArticleGenerator.seedLikeArticles(3, seed: 43).enumerated() {
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
        let workspace = try Workspace()
        let state = workspace.temporary.path("out/state")
        let articles = ArticleGenerator.seedLikeArticles(8, seed: 41)
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
        let workspace = try Workspace()
        let done = workspace.temporary.url.appendingPathComponent("done")
        let arguments = try Self.arguments(moving: workspace, into: done.path)
        let state = workspace.temporary.path("out/state")
        let articles = ArticleGenerator.seedLikeArticles(21, seed: 37)
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
        let workspace = try Workspace()
        let state = workspace.temporary.path("out/state")
        let config = workspace.temporary.path("forget.toml")
        try Data("[state]\nforget_after_days = 30\n".utf8).write(to: URL(fileURLWithPath: config))
        let arguments = workspace.arguments + ["--config", config]
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 43)
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
