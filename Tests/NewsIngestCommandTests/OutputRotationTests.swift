import ArticleFixtures
import Foundation
import Testing
import TestSupport

/// The output under rotation: logrotate-style rename plus `SIGHUP`, and the daemon's own size rotation. No
/// line is lost or duplicated across the files.
@Suite struct OutputRotationTests {
    let runner = BinaryRunner()

    func ids(in urls: [URL]) -> [String] {
        urls.flatMap { DaemonTests.Workspace.lines(of: $0) }.compactMap {
            (try? JSONSerialization.jsonObject(with: $0) as? [String: Any])?["id"] as? String
        }
    }

    @Test func sighupReopensTheOutputAfterItWasRenamed() throws {
        let workspace = try DaemonTests.Workspace()
        let articles = DaemonTests.articles(20, seed: 77)
        for (index, bytes) in articles[..<10].enumerated() { try workspace.write("a\(index).txt", bytes) }
        let daemon = try DaemonProcess(binary: runner.binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")

        let rotated = workspace.output.deletingLastPathComponent().appendingPathComponent("articles.jsonl.1")
        try FileManager.default.moveItem(at: workspace.output, to: rotated)
        #expect(FileManager.default.createFile(atPath: workspace.output.path, contents: nil))  // logrotate: create
        kill(daemon.processIdentifier, SIGHUP)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("reopened the output") }, "\(daemon.log)")
        for (index, bytes) in articles[10...].enumerated() { try workspace.write("b\(index).txt", bytes) }
        #expect(Wait.until(seconds: 60) { workspace.records().count == 10 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)

        let all = ids(in: [rotated, workspace.output])
        #expect(all.count == Set(articles).count)
        #expect(Set(all).count == all.count)
        // A restart after the rename does not emit the rotated lines again.
        let again = try DaemonProcess(binary: runner.binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { again.log.contains("watching") })
        #expect(again.stop() == 0)
        #expect(ids(in: [rotated, workspace.output]).count == all.count)
    }

    @Test func sizeRotationSplitsTheOutputWithoutLosingALine() throws {
        let workspace = try DaemonTests.Workspace()
        let config = workspace.temporary.path("rotate.toml")
        try Data("[output]\nrotate_bytes = 20000\n".utf8).write(to: URL(fileURLWithPath: config))
        let articles = DaemonTests.articles(60, seed: 78)
        for (index, bytes) in articles.enumerated() { try workspace.write(String(format: "%03d.txt", index), bytes) }
        let daemon = try DaemonProcess(
            binary: runner.binary,
            arguments: workspace.arguments + ["--config", config],
            in: workspace.temporary.url
        )
        let directory = workspace.output.deletingLastPathComponent()
        func outputs() -> [URL] {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
                .filter { $0.hasPrefix("articles") && $0.hasSuffix(".jsonl") }
                .map { directory.appendingPathComponent($0) }
        }
        #expect(Wait.until(seconds: 120) { ids(in: outputs()).count == Set(articles).count }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let files = outputs()
        #expect(files.count > 2, "\(files)")
        let all = ids(in: files)
        #expect(Set(all).count == all.count && all.count == Set(articles).count)
        #expect(daemon.log.contains("rotated the output"))
    }
}
