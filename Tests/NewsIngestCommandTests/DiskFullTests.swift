import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// A disk fills up under the daemon, then has room again. Nothing is given up and nothing repeated: lines
/// written stay in the output, so their files must not be taken again (each rescan would write them again),
/// and a batch that could not be written waits with its files claimed rather than have them read, parsed
/// and failed again at every rescan. The daemon pauses, tries again after growing pauses, and goes on once
/// there is room: every article once.
///
/// The full disk is a small tmpfs mounted in a mount namespace of the daemon's own; a helper in that
/// namespace fills it and empties it when the test says so. The test reads what lies there through
/// `/proc/PID/root`.
@Suite struct DiskFullTests {
    /// The daemon, with a tmpfs at `mountPoint` that the helper fills on `fill` (saying so with `filled`) and
    /// empties on `free`.
    struct FillableDisk {
        let daemon: DaemonProcess
        let fill: String
        let filled: String
        let free: String

        /// Set when the daemon is killed once, while the disk is full (`killOnceWhileFull`).
        let kill: String
        let killed: String

        /// With `killOnceWhileFull`, the first daemon is killed (`SIGKILL`) on ``killAndMakeRoom()``, and a
        /// second one started in the same namespace, on the same disk, once the disk has room again.
        init(
            workspace: Workspace, mountPoint: String, arguments: [String],
            environment: [String: String] = [:], killOnceWhileFull: Bool = false
        ) throws {
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            fill = workspace.temporary.path("fill")
            filled = workspace.temporary.path("filled")
            free = workspace.temporary.path("free")
            kill = workspace.temporary.path("kill")
            killed = workspace.temporary.path("killed")
            let freed = workspace.temporary.path("freed")
            // The daemon started at last (`exec`, so that it is the process the test stops).
            let killingTheFirst = """
                "$0" "$@" &
                first=$!
                while [ ! -e "\(kill)" ]; do kill -0 $first 2>/dev/null || exit 98; sleep 0.05; done
                kill -9 $first; wait $first; touch "\(killed)"
                while [ ! -e "\(freed)" ]; do sleep 0.05; done

                """
            // The helper gives up once the daemon ($$, which the shell becomes by exec) is gone, so a test
            // that fails before its signal leaves nothing running.
            let script = """
                mount -t tmpfs -o size=8m tmpfs "\(mountPoint)" || exit 99
                (
                    while [ ! -e "\(fill)" ]; do kill -0 $$ 2>/dev/null || exit; sleep 0.05; done
                    dd if=/dev/zero of="\(mountPoint)/filler" bs=4k 2>/dev/null; touch "\(filled)"
                    while [ ! -e "\(free)" ]; do kill -0 $$ 2>/dev/null || exit; sleep 0.05; done
                    rm "\(mountPoint)/filler"; touch "\(freed)"
                ) &
                \(killOnceWhileFull ? killingTheFirst : "")exec "$0" "$@"
                """
            let (unshare, unshareArguments) = UserNamespace.command(
                script: script, binary: BinaryRunner().binary, arguments: arguments)
            daemon = try DaemonProcess(
                binary: unshare, arguments: unshareArguments, in: workspace.temporary.url, environment: environment)
        }

        func fillUp() {
            #expect(FileManager.default.createFile(atPath: fill, contents: nil))
            #expect(Wait.until(seconds: 60) { FileManager.default.fileExists(atPath: filled) })
        }

        func makeRoom() { #expect(FileManager.default.createFile(atPath: free, contents: nil)) }

        /// Kills the first daemon, then makes room: the second starts on what the first left.
        func killAndMakeRoom() {
            #expect(FileManager.default.createFile(atPath: kill, contents: nil))
            #expect(Wait.until(seconds: 60) { FileManager.default.fileExists(atPath: killed) })
            makeRoom()
        }

        /// `path` as the daemon sees it (inside its mount namespace).
        func seenByDaemon(_ path: String) -> URL {
            URL(fileURLWithPath: "/proc/\(daemon.processIdentifier)/root" + path)
        }
    }

    static let enabled = UserNamespace.isAvailable

    /// The ids of the records in `files`.
    static func ids(in files: [URL]) -> [String] {
        files.flatMap { Workspace.lines(of: $0) }.compactMap {
            (try? JSONSerialization.jsonObject(with: $0) as? [String: Any])?["id"] as? String
        }
    }

    /// Writes the first 50 of `articles` and waits until `recordCount` says their records are out, fills the
    /// disk, then writes the rest.
    static func writeFiftyThenFill(
        _ articles: [[UInt8]], _ workspace: Workspace, _ disk: FillableDisk, recordCount: () -> Int
    ) throws {
        for (index, bytes) in articles[..<50].enumerated() { try workspace.write("\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { recordCount() == Set(articles[..<50]).count }, "\(disk.daemon.log)")
        disk.fillUp()
        for (index, bytes) in articles.enumerated().dropFirst(50) { try workspace.write("\(index).txt", bytes) }
    }

    @Test(.enabled(if: enabled, "needs unshare --user --mount (user namespaces)"))
    func aFullStateDiskPausesTheDaemonWithoutWritingAnyArticleTwice() throws {
        let workspace = try Workspace()
        let disk = try FillableDisk(
            workspace: workspace, mountPoint: workspace.temporary.path("out/state"), arguments: workspace.arguments)
        let articles = ArticleGenerator.seedLikeArticles(400, seed: 53)
        let count = Set(articles).count
        for (index, bytes) in articles[..<100].enumerated() { try workspace.write("\(index).txt", bytes) }
        let daemon = disk.daemon
        #expect(Wait.until(seconds: 60) { workspace.records().count == Set(articles[..<100]).count }, "\(daemon.log)")

        disk.fillUp()
        for (index, bytes) in articles.enumerated().dropFirst(100) { try workspace.write("\(index).txt", bytes) }
        // Two failed attempts: rescans (every second here) have had time to take the files again.
        #expect(Wait.until(seconds: 60) { daemon.log.contains("attempt=3") }, "\(daemon.log)")
        #expect(daemon.log.contains("database or disk is full"), "\(daemon.log)")
        Self.expectOneLinePerAttempt(daemon.log, upTo: 3)

        disk.makeRoom()
        #expect(Wait.until(seconds: 60) { workspace.records().count >= count }, "\(daemon.log)")
        #expect(daemon.log.contains("the state committed again"), "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let paths = workspace.records().compactMap { ($0["source"] as? [String: Any])?["path"] as? String }
        #expect(paths.count == count, "every article once")
        #expect(Set(paths).count == paths.count, "no file twice")
    }

    /// A rotation that comes due while the state cannot be committed waits: the output keeps its uncommitted
    /// lines and its name. Renamed, those lines would lie where start-up does not look for lines to adopt, so
    /// after a crash their files would be taken and written again. Here every batch rotates the output (it
    /// is past one byte), committing what the file holds first; the daemon is killed while the state's disk
    /// is full, and started again once it has room.
    @Test(.enabled(if: enabled, "needs unshare --user --mount (user namespaces)"))
    func aKillWhileTheStateCannotBeCommittedLeavesNoRotatedLineUncommitted() throws {
        var workspace = try Workspace()
        let config = workspace.temporary.path("rotate.toml")
        try Data("[output]\nrotate_bytes = 1\n".utf8).write(to: URL(fileURLWithPath: config))
        workspace.extraArguments = ["--config", config]
        let disk = try FillableDisk(
            workspace: workspace, mountPoint: workspace.temporary.path("out/state"), arguments: workspace.arguments,
            killOnceWhileFull: true)
        let daemon = disk.daemon
        let articles = ArticleGenerator.seedLikeArticles(300, seed: 61)
        let ids = { Self.ids(in: OutputRotationTests.outputs(of: workspace)) }
        try Self.writeFiftyThenFill(articles, workspace, disk) { ids().count }
        #expect(Wait.until(seconds: 60) { daemon.log.contains("attempt=3") }, "\(daemon.log)")
        disk.killAndMakeRoom()
        #expect(Wait.until(seconds: 60) { ids().count >= Set(articles).count }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let all = ids()
        #expect(Set(all).count == all.count, "an article was written twice: \(daemon.log)")
        #expect(Set(all).count == Set(articles).count, "an article is missing")
    }

    /// `SIGHUP` (logrotate renamed the output) while the state cannot be committed: the output keeps being
    /// the old file until what it holds is committed (the commit syncs it; closed before, its last lines would
    /// be synced by nothing), then the daemon opens the path anew. Every article once, across both files.
    @Test(.enabled(if: enabled, "needs unshare --user --mount (user namespaces)"))
    func anOutputRenamedWhileTheStateCannotBeCommittedIsReopenedOnceItIs() throws {
        let workspace = try Workspace()
        let disk = try FillableDisk(
            workspace: workspace, mountPoint: workspace.temporary.path("out/state"), arguments: workspace.arguments)
        let daemon = disk.daemon
        let articles = ArticleGenerator.seedLikeArticles(300, seed: 67)
        let rotated = workspace.temporary.url.appendingPathComponent("out/articles-old.jsonl")
        let ids = { Self.ids(in: [workspace.output, rotated]) }
        try Self.writeFiftyThenFill(articles, workspace, disk) { ids().count }
        #expect(Wait.until(seconds: 60) { daemon.log.contains("attempt=2") }, "\(daemon.log)")
        try FileManager.default.moveItem(at: workspace.output, to: rotated)
        kill(daemon.processIdentifier, SIGHUP)
        #expect(
            Wait.until(seconds: 60) {
                daemon.log.contains("could not reopen the output; still writing to the old file")
            },
            "\(daemon.log)")
        #expect(daemon.log.contains("lines in it are not committed yet"), "\(daemon.log)")

        disk.makeRoom()
        #expect(Wait.until(seconds: 60) { ids().count >= Set(articles).count }, "\(daemon.log)")
        #expect(daemon.log.contains("opening its path anew"), "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let all = ids()
        #expect(Set(all).count == all.count && Set(all).count == Set(articles).count, "every article once")
        #expect(!Workspace.lines(of: workspace.output).isEmpty, "the path was opened anew")
    }

    @Test(.enabled(if: enabled, "needs unshare --user --mount (user namespaces)"))
    func aFullOutputDiskPausesTheDaemonWhichWritesEveryArticleOnceThereIsRoom() throws {
        let workspace = try Workspace()
        let mountPoint = workspace.temporary.path("full")
        let output = mountPoint + "/articles.jsonl"
        var arguments = workspace.arguments
        arguments[try #require(arguments.firstIndex(of: workspace.output.path))] = output
        // systemd is told why the daemon is paused (`systemctl status` shows it), and when it is no longer.
        let socket = try NotifySocket(path: workspace.temporary.path("notify.sock"))
        let disk = try FillableDisk(
            workspace: workspace, mountPoint: mountPoint, arguments: arguments,
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        let daemon = disk.daemon
        let records = { Workspace.lines(of: disk.seenByDaemon(output)) }
        let articles = ArticleGenerator.seedLikeArticles(300, seed: 59)
        let count = Set(articles).count
        for (index, bytes) in articles[..<100].enumerated() { try workspace.write("\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { records().count == Set(articles[..<100]).count }, "\(daemon.log)")

        disk.fillUp()
        for (index, bytes) in articles.enumerated().dropFirst(100) { try workspace.write("\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { daemon.log.contains("attempt=3") }, "\(daemon.log)")
        #expect(daemon.log.contains("No space left on device"), "\(daemon.log)")
        // One line per attempt, not one per file and rescan, and the files it holds counted.
        #expect(daemon.log.components(separatedBy: "could not write a batch").count - 1 <= 4, "\(daemon.log)")
        Self.expectOneLinePerAttempt(daemon.log, upTo: 3)
        let firstPause = try #require(daemon.log.split(separator: "\n").first { $0.contains("attempt=1") })
        #expect(!firstPause.contains("files=0"), "\(firstPause)")
        #expect(
            Wait.until(seconds: 60) {
                socket.hasReceived("; paused: could not write a batch; it is written when the output takes it")
                    && socket.hasReceived("No space left on device")
            }, "\(socket.messages)")

        disk.makeRoom()
        #expect(Wait.until(seconds: 60) { records().count >= count }, "\(daemon.log)")
        #expect(daemon.log.contains("written and synced and the state committed again"), "\(daemon.log)")
        #expect(
            Wait.until(seconds: 60) {
                socket.messages.contains { $0.hasPrefix("STATUS=emitted \(count),") && !$0.contains("paused") }
            }, "\(socket.messages)")
        let lines = records()
        #expect(daemon.stop() == 0)
        let paths = lines.compactMap { line in
            ((try? JSONSerialization.jsonObject(with: line) as? [String: Any])?["source"] as? [String: Any])?["path"]
                as? String
        }
        #expect(paths.count == count, "every article once, each line whole")
        #expect(Set(paths).count == paths.count, "no file twice")
    }

    /// Each failed attempt, from the first to `last`, is logged once.
    static func expectOneLinePerAttempt(_ log: String, upTo last: Int) {
        let lines = log.split(separator: "\n")
        for attempt in 1...last {
            let logged = lines.filter { $0.contains("attempt=\(attempt) ") || $0.hasSuffix("attempt=\(attempt)") }
            #expect(logged.count == 1, "attempt \(attempt): \(logged)")
        }
    }
}
