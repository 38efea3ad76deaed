import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// An output path that is not a regular file (a named pipe read by another program, `/dev/null` for a dry
/// run) is written as a stream, like `--output -`: nothing to sync, recover or rotate there, and the daemon
/// neither stalls on a sync the device refuses nor takes its files again.
@Suite struct StreamOutputTests {
    @Test func aNamedPipeAndDevNullAreWrittenAsStreams() throws {
        let workspace = try Workspace()
        let fifo = workspace.temporary.path("articles.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opened read-write and non-blocking, so neither side waits for the other to open it.
        let reader = open(fifo, O_RDWR | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        var arguments = workspace.arguments
        arguments[try #require(arguments.firstIndex(of: workspace.output.path))] = fifo
        arguments[try #require(arguments.firstIndex(of: workspace.errors.path))] = "/dev/null"
        arguments += ["--log-level", "debug"]
        let articles = ArticleGenerator.seedLikeArticles(30, seed: 61)
        for (index, bytes) in articles.enumerated() { try workspace.write("\(index).txt", bytes) }
        try workspace.write("bad.txt", [0x00, 0x01])
        let daemon = try DaemonProcess(binary: BinaryRunner().binary, arguments: arguments, in: workspace.temporary.url)

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let lineCount = { received.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } }
        #expect(
            Wait.until(seconds: 60) {
                let count = read(reader, &buffer, buffer.count)
                if count > 0 { received += buffer[..<count] }
                return lineCount() >= Set(articles).count
            }, "\(daemon.log)")
        // Rescans (every second here) must not take the files again: no line more after two of them.
        let scans = { daemon.log.components(separatedBy: "scanning every watched directory").count - 1 }
        let scansBefore = scans()
        #expect(Wait.until(seconds: 60) { scans() >= scansBefore + 2 }, "\(daemon.log)")
        let count = read(reader, &buffer, buffer.count)
        if count > 0 { received += buffer[..<count] }
        #expect(lineCount() == Set(articles).count)
        #expect(daemon.stop() == 0)
        let log = daemon.log
        #expect(!log.contains("could not sync"), "\(log)")
        #expect(!log.contains("did not finish"), "\(log)")
        #expect(log.contains("emitted=\(Set(articles).count) failed=1"), "\(log)")
    }
}
