import Foundation
import TestSupport
import Testing

/// The state's disk fills up while the output's does not: the lines written are in the output, so their
/// files must not be taken again (each rescan would write them again). The daemon keeps what waits, writes
/// nothing new, tries the commit again after growing pauses, and goes on once there is room: every article
/// once, none lost.
///
/// The state lives on a small tmpfs mounted in a mount namespace of the daemon's own; a helper in that
/// namespace fills it and empties it when the test says so.
@Suite struct StateDiskFullTests {
    @Test(.enabled(if: UserNamespace.isAvailable, "needs unshare --user --mount (user namespaces)"))
    func aFullStateDiskPausesTheDaemonWithoutWritingAnyArticleTwice() throws {
        let workspace = try DaemonTests.Workspace()
        let stateDirectory = workspace.temporary.path("out/state")
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let fill = workspace.temporary.path("fill")
        let filled = workspace.temporary.path("filled")
        let free = workspace.temporary.path("free")
        let script = """
            mount -t tmpfs -o size=8m tmpfs "\(stateDirectory)" || exit 99
            (
                while [ ! -e "\(fill)" ]; do sleep 0.05; done
                dd if=/dev/zero of="\(stateDirectory)/filler" bs=4k 2>/dev/null; touch "\(filled)"
                while [ ! -e "\(free)" ]; do sleep 0.05; done
                rm "\(stateDirectory)/filler"
            ) &
            exec "$0" "$@"
            """
        let (unshare, arguments) = UserNamespace.command(
            script: script, binary: BinaryRunner().binary, arguments: workspace.arguments)
        let daemon = try DaemonProcess(binary: unshare, arguments: arguments, in: workspace.temporary.url)
        let articles = DaemonTests.articles(400, seed: 53)
        let count = Set(articles).count
        for (index, bytes) in articles[..<100].enumerated() { try workspace.write("\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { workspace.records().count == Set(articles[..<100]).count }, "\(daemon.log)")

        #expect(FileManager.default.createFile(atPath: fill, contents: nil))
        #expect(Wait.until(seconds: 60) { FileManager.default.fileExists(atPath: filled) })
        for (index, bytes) in articles.enumerated().dropFirst(100) { try workspace.write("\(index).txt", bytes) }
        // Two failed attempts: rescans (every second here) have had time to take the files again.
        #expect(Wait.until(seconds: 60) { daemon.log.contains("attempt=3") }, "\(daemon.log)")
        #expect(daemon.log.contains("database or disk is full"), "\(daemon.log)")

        #expect(FileManager.default.createFile(atPath: free, contents: nil))
        #expect(Wait.until(seconds: 60) { workspace.records().count >= count }, "\(daemon.log)")
        #expect(daemon.log.contains("the state committed again"), "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let paths = workspace.records().compactMap { ($0["source"] as? [String: Any])?["path"] as? String }
        #expect(paths.count == count, "every article once")
        #expect(Set(paths).count == paths.count, "no file twice")
    }
}
