import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// Running under systemd: the notification protocol on a test socket, journald log lines, and the real
/// `systemd-analyze verify` on the unit.
@Suite struct SystemdTests {
    let runner = BinaryRunner()

    @Test func readyWatchdogStatusAndStoppingAreSent() throws {
        let workspace = try Workspace()
        try workspace.write("001.txt", try RepositoryFiles.seed(RepositoryFiles.seedNames[0]))
        let socket = try NotifySocket(path: workspace.temporary.path("notify.sock"))
        let daemon = try DaemonProcess(
            binary: runner.binary,
            arguments: workspace.arguments,
            in: workspace.temporary.url,
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000", "JOURNAL_STREAM": "8:1234"]
        )
        #expect(Wait.until(seconds: 60) { socket.hasReceived("READY=1") })
        #expect(Wait.until(seconds: 60) { socket.hasReceived("WATCHDOG=1") })
        #expect(Wait.until(seconds: 60) { socket.hasReceived("STATUS=emitted 1, duplicates 0, failed 0") })
        #expect(daemon.stop() == 0)
        #expect(Wait.until(seconds: 10) { socket.hasReceived("STOPPING=1") })
        // Under the journal, lines carry syslog priorities and no time stamp of their own.
        #expect(daemon.log.split(separator: "\n").first?.hasPrefix("<6>starting") == true, "\(daemon.log)")
    }

    @Test func theUnitPassesSystemdAnalyzeVerify() throws {
        let unit = try String(
            contentsOf: RepositoryFiles.root().appendingPathComponent("systemd/newsingest.service"),
            encoding: .utf8
        )
        #expect(unit.contains("Type=notify") && unit.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        // verify checks that ExecStart's program exists: point it at the binary under test.
        let temporary = try TemporaryDirectory()
        let path = temporary.path("newsingest.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/newsingest", with: runner.binary.path)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try ExternalTool.run("/usr/bin/systemd-analyze", ["verify", path])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains(path), "systemd-analyze complained: \(result.output)")
    }
}
