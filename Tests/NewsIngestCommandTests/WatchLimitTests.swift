import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// The per-user limit on inotify watches, reached: the daemon names the setting to raise, reports each
/// directory it cannot watch once (not at every rescan), still takes that directory's files through rescans,
/// and watches it as soon as the limit allows.
///
/// The limit is lowered for the daemon alone: it runs in a user namespace of its own, whose
/// `/proc/sys/user/max_inotify_watches` its own root may set without touching the machine's.
@Suite struct WatchLimitTests {
    @Test(.enabled(if: UserNamespace.isAvailable, "needs unshare --user --mount (user namespaces)"))
    func directoriesBeyondTheWatchLimitAreReportedOnceScannedAndWatchedOnceTheLimitAllows() throws {
        let workspace = try Workspace()
        let subdirectories = ["a", "b", "c", "d"]
        let articles = ArticleGenerator.seedLikeArticles(12, seed: 91)
        for (index, name) in subdirectories.enumerated() {
            let directory = workspace.input.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(articles[index]).write(to: directory.appendingPathComponent("first.txt"))
        }
        let config = workspace.temporary.path("recursive.toml")
        try Data("[[source.directory]]\npath = \"\(workspace.input.path)\"\nrecursive = true\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        var arguments = workspace.arguments
        let watch = try #require(arguments.firstIndex(of: "--watch"))
        arguments.removeSubrange(watch...watch + 1)
        arguments += ["--config", config]
        // Two watches: the root and one subdirectory. A helper in the same namespace raises the limit once
        // the test creates `raise` (or gives up once the daemon, $$ after the exec, is gone).
        let raise = workspace.temporary.path("raise")
        let script = """
            echo 2 > /proc/sys/user/max_inotify_watches || exit 99
            (
                while [ ! -e "\(raise)" ]; do kill -0 $$ 2>/dev/null || exit; sleep 0.1; done
                echo 100 > /proc/sys/user/max_inotify_watches
            ) &
            exec "$0" "$@"
            """
        let (unshare, unshareArguments) = UserNamespace.command(
            script: script, binary: BinaryRunner().binary, arguments: arguments)
        let daemon = try DaemonProcess(binary: unshare, arguments: unshareArguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 4 }, "\(daemon.log)")
        let refusals = { daemon.log.components(separatedBy: "cannot watch directory").count - 1 }
        #expect(refusals() == 3, "\(daemon.log)")
        #expect(daemon.log.contains("fs.inotify.max_user_watches"), "\(daemon.log)")

        // New files in the unwatched directories come in with the rescans (every second here), which say so
        // and do not report the directories again.
        for (index, name) in subdirectories.enumerated() {
            try Data(articles[4 + index]).write(to: workspace.input.appendingPathComponent("\(name)/second.txt"))
        }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 8 }, "\(daemon.log)")
        #expect(daemon.log.contains("a rescan found files no inotify event announced"), "\(daemon.log)")
        #expect(refusals() == 3, "\(daemon.log)")

        // Once the limit is raised, the next rescan watches them.
        #expect(FileManager.default.createFile(atPath: raise, contents: nil))
        let watching = {
            daemon.log.components(separatedBy: "watching a directory that could not be watched").count - 1
        }
        #expect(Wait.until(seconds: 60) { watching() == 3 }, "\(daemon.log)")
        for (index, name) in subdirectories.enumerated() {
            try Data(articles[8 + index]).write(to: workspace.input.appendingPathComponent("\(name)/third.txt"))
        }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 12 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
    }
}
