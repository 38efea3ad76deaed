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

        init(
            workspace: DaemonTests.Workspace, mountPoint: String, arguments: [String],
            environment: [String: String] = [:]
        ) throws {
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            fill = workspace.temporary.path("fill")
            filled = workspace.temporary.path("filled")
            free = workspace.temporary.path("free")
            // The helper gives up once the daemon ($$, which the shell becomes by exec) is gone, so a test
            // that fails before its signal leaves nothing running.
            let script = """
                mount -t tmpfs -o size=8m tmpfs "\(mountPoint)" || exit 99
                (
                    while [ ! -e "\(fill)" ]; do kill -0 $$ 2>/dev/null || exit; sleep 0.05; done
                    dd if=/dev/zero of="\(mountPoint)/filler" bs=4k 2>/dev/null; touch "\(filled)"
                    while [ ! -e "\(free)" ]; do kill -0 $$ 2>/dev/null || exit; sleep 0.05; done
                    rm "\(mountPoint)/filler"
                ) &
                exec "$0" "$@"
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

        /// `path` as the daemon sees it (inside its mount namespace).
        func seenByDaemon(_ path: String) -> URL {
            URL(fileURLWithPath: "/proc/\(daemon.processIdentifier)/root" + path)
        }
    }

    static let enabled = UserNamespace.isAvailable

    @Test(.enabled(if: enabled, "needs unshare --user --mount (user namespaces)"))
    func aFullStateDiskPausesTheDaemonWithoutWritingAnyArticleTwice() throws {
        let workspace = try DaemonTests.Workspace()
        let disk = try FillableDisk(
            workspace: workspace, mountPoint: workspace.temporary.path("out/state"), arguments: workspace.arguments)
        let articles = DaemonTests.articles(400, seed: 53)
        let count = Set(articles).count
        for (index, bytes) in articles[..<100].enumerated() { try workspace.write("\(index).txt", bytes) }
        let daemon = disk.daemon
        #expect(Wait.until(seconds: 60) { workspace.records().count == Set(articles[..<100]).count }, "\(daemon.log)")

        disk.fillUp()
        for (index, bytes) in articles.enumerated().dropFirst(100) { try workspace.write("\(index).txt", bytes) }
        // Two failed attempts: rescans (every second here) have had time to take the files again.
        #expect(Wait.until(seconds: 60) { daemon.log.contains("attempt=3") }, "\(daemon.log)")
        #expect(daemon.log.contains("database or disk is full"), "\(daemon.log)")

        disk.makeRoom()
        #expect(Wait.until(seconds: 60) { workspace.records().count >= count }, "\(daemon.log)")
        #expect(daemon.log.contains("the state committed again"), "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let paths = workspace.records().compactMap { ($0["source"] as? [String: Any])?["path"] as? String }
        #expect(paths.count == count, "every article once")
        #expect(Set(paths).count == paths.count, "no file twice")
    }

    @Test(.enabled(if: enabled, "needs unshare --user --mount (user namespaces)"))
    func aFullOutputDiskPausesTheDaemonWhichWritesEveryArticleOnceThereIsRoom() throws {
        let workspace = try DaemonTests.Workspace()
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
        let records = { DaemonTests.Workspace.lines(of: disk.seenByDaemon(output)) }
        let articles = DaemonTests.articles(300, seed: 59)
        let count = Set(articles).count
        for (index, bytes) in articles[..<100].enumerated() { try workspace.write("\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { records().count == Set(articles[..<100]).count }, "\(daemon.log)")

        disk.fillUp()
        for (index, bytes) in articles.enumerated().dropFirst(100) { try workspace.write("\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { daemon.log.contains("attempt=3") }, "\(daemon.log)")
        #expect(daemon.log.contains("No space left on device"), "\(daemon.log)")
        // One line per attempt, not one per file and rescan.
        #expect(daemon.log.components(separatedBy: "could not write a batch").count - 1 <= 4, "\(daemon.log)")
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
}
