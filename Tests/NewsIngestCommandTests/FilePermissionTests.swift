import ArticleFixtures
import Foundation
import NewsIngestSystem
import TestSupport
import Testing

/// Files and directories the daemon's user may not read: reported once, left where they are, taken once
/// their mode allows (the real binary, run as another user with `setpriv`).
@Suite struct FilePermissionTests: DaemonSuite {
    let runner = BinaryRunner()

    /// A file the daemon's user may not read (dropped by another user with mode 600, the commonest mistake) is
    /// reported once, stays where it is (no quarantine), and is taken once its mode is put right, although a
    /// `chmod` changes neither its size nor its time. Rescans every second here report it no more.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv"))
    func aFileThatCannotBeReadIsReportedOnceAndTakenOnceItsPermissionsAllow() throws {
        let workspace = try Workspace()
        let quarantine = workspace.temporary.path("quarantine")
        let config = workspace.temporary.path("quarantine.toml")
        try Data("[[source.directory]]\npath = \"\(workspace.input.path)\"\nquarantine = \"\(quarantine)\"\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        let privatePath = try writeOneReadableAndOnePrivateArticle(in: workspace)
        let daemon = try startUnableToRead(
            privatePath, workspace,
            arguments: workspace.arguments.filter { $0 != "--watch" && $0 != workspace.input.path } + [
                "--config", config, "--log-level", "debug",
            ])
        #expect(
            Wait.until(seconds: 60) { workspace.records().count == 1 && workspace.errorRecords().count == 1 },
            "\(daemon.log)")
        #expect(workspace.errorRecords().first?["code"] as? String == "permission_denied")
        #expect((workspace.errorRecords().first?["reason"] as? String)?.contains("Permission denied") == true)
        // Two more rescans report it no more, and leave it where it is.
        func rescans() -> Int { daemon.log.components(separatedBy: "reason=periodic").count - 1 }
        let rescansBefore = rescans()
        #expect(Wait.until(seconds: 60) { rescans() >= rescansBefore + 2 }, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1)
        #expect(FileManager.default.fileExists(atPath: privatePath))
        #expect(chmod(privatePath, 0o644) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1)
        #expect(daemon.log.contains("emitted=2") && daemon.log.contains("failed=1"), "\(daemon.log)")
    }

    /// The `chmod` that puts a file's mode right is an inotify event (`IN_ATTRIB`): the file is taken at once,
    /// not at the next rescan (an hour away here). A `chmod` that still leaves it unreadable reports nothing
    /// more.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv"))
    func aFileWhosePermissionsArePutRightIsTakenAtOnce() throws {
        let workspace = try Workspace()
        let privatePath = try writeOneReadableAndOnePrivateArticle(in: workspace)
        let daemon = try startUnableToRead(
            privatePath, workspace,
            arguments: workspace.arguments + ["--rescan-interval", "3600", "--log-level", "debug"])
        #expect(
            Wait.until(seconds: 60) { workspace.records().count == 1 && workspace.errorRecords().count == 1 },
            "\(daemon.log)")
        // Still unreadable to the daemon's user, whether that is `nobody` or the file's owner.
        #expect(chmod(privatePath, 0o200) == 0)
        // An article renamed into place after that `chmod` is an event read after its event: once its record
        // is out, the `chmod` was looked at.
        let marker = workspace.temporary.path("marker.txt")
        try Data(ArticleGenerator.seedLikeArticles(1, seed: 63)[0]).write(to: URL(fileURLWithPath: marker))
        #expect(rename(marker, workspace.input.appendingPathComponent("marker.txt").path) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1)
        #expect(chmod(privatePath, 0o644) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1)
        #expect(!daemon.log.contains("reason=periodic"), "\(daemon.log)")
    }

    /// A subdirectory the daemon's user may not read can be neither watched nor listed; the `chmod` that lets
    /// it is an event of its parent's watch, so it is watched and scanned at once, not at the next rescan (an
    /// hour away here).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv"))
    func aSubdirectoryThatCannotBeWatchedIsWatchedOnceItsModeAllows() throws {
        let workspace = try Workspace()
        let subdirectory = workspace.input.appendingPathComponent("private")
        try FileManager.default.createDirectory(at: subdirectory, withIntermediateDirectories: true)
        try Data(ArticleGenerator.seedLikeArticles(1, seed: 67)[0]).write(
            to: subdirectory.appendingPathComponent("001.txt"))
        let daemon = try startUnableToRead(
            subdirectory.path, workspace,
            arguments: workspace.arguments + ["--recursive", "--rescan-interval", "3600", "--log-level", "debug"])
        #expect(Wait.until(seconds: 60) { daemon.log.contains("cannot watch directory") }, "\(daemon.log)")
        #expect(chmod(subdirectory.path, 0o755) == 0)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(daemon.log.contains("watching a directory that could not be watched before"), "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(!daemon.log.contains("reason=periodic"), "\(daemon.log)")
    }

    /// Writes `readable.txt` and `private.txt` into the workspace's input; returns the path of the second.
    private func writeOneReadableAndOnePrivateArticle(in workspace: Workspace) throws -> String {
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 61)
        try workspace.write("readable.txt", articles[0])
        try workspace.write("private.txt", articles[1])
        return workspace.input.appendingPathComponent("private.txt").path
    }

    /// Starts the daemon with `arguments` such that it may not read the file or directory at `path`. As root,
    /// it gets mode 600 and the daemon runs as `nobody` through `setpriv` (from a copy of the binary, so that
    /// `nobody` may run it wherever the clone lies), with the workspace open to it; otherwise it gets mode 000.
    private func startUnableToRead(_ path: String, _ workspace: Workspace, arguments: [String]) throws
        -> DaemonProcess
    {
        var binary = runner.binary
        var launch = arguments
        if geteuid() == 0 {
            #expect(chmod(path, 0o600) == 0)
            for directory in [workspace.temporary.url.path, workspace.input.path] {
                #expect(chmod(directory, 0o777) == 0)
            }
            let copy = workspace.temporary.path("newsingest")
            try FileManager.default.copyItem(atPath: binary.path, toPath: copy)
            #expect(chmod(copy, 0o755) == 0)
            binary = URL(fileURLWithPath: "/usr/bin/setpriv")
            launch = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", copy] + arguments
        } else {
            #expect(chmod(path, 0o000) == 0)
        }
        return try DaemonProcess(binary: binary, arguments: launch, in: workspace.temporary.url)
    }

    /// True when `access(2)` says `path` may be read and `open(2)` refuses it: `/proc/1/environ` for root in a
    /// container without `CAP_SYS_PTRACE`, where the kernel's ptrace check, not the mode, says no.
    static func accessSaysYesButOpenSaysNo(_ path: String) -> Bool {
        guard access(path, R_OK) == 0 else { return false }
        let descriptor = open(path, O_RDONLY)
        guard descriptor < 0 else {
            close(descriptor)
            return false
        }
        return errno == EACCES
    }

    /// The daemon asks `access(2)` whether a file committed as unreadable may be read now; where it says yes and
    /// `open(2)` still says no, the file is tried at each rescan but reported once, not at every rescan.
    @Test(
        .enabled(
            if: Self.accessSaysYesButOpenSaysNo("/proc/1/environ"),
            "needs a file that access(2) allows and open(2) refuses (/proc/1/environ for root in a container)"))
    func aFileThatAccessAllowsButOpenRefusesIsReportedOnce() throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(at: workspace.input, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: workspace.input.appendingPathComponent("environ.txt").path, withDestinationPath: "/proc/1/environ")
        let daemon = try workspace.start(runner, extra: ["--follow-symlinks", "any", "--log-level", "debug"])
        #expect(Wait.until(seconds: 60) { workspace.errorRecords().count == 1 }, "\(daemon.log)")
        #expect(workspace.errorRecords().first?["code"] as? String == "permission_denied")
        func rescans() -> Int { daemon.log.components(separatedBy: "reason=periodic").count - 1 }
        let rescansBefore = rescans()
        #expect(Wait.until(seconds: 60) { rescans() >= rescansBefore + 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(workspace.errorRecords().count == 1, "\(workspace.errorRecords())")
    }
}
