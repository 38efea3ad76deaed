import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// What one article may cost the daemon: `pipeline.max_parse_seconds` of CPU time and
/// `pipeline.max_record_bytes` of record. Past either, the file is an error record and the daemon goes on
/// with the next.
@Suite struct ArticleLimitsTests {
    let runner = BinaryRunner()

    func workspace(_ configuration: String) throws -> Workspace {
        var workspace = try Workspace()
        let path = workspace.temporary.path("limits.toml")
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: path))
        workspace.extraArguments = ["--config", path]
        return workspace
    }

    @Test func aParsePastItsCPUTimeIsAnErrorAndTheNextFileIsTaken() throws {
        let workspace = try workspace("[pipeline]\nworkers = 1\nmax_parse_seconds = 0.05\n")
        // Two million words glued by commas, each in the other tone style: far more than 50 ms of CPU time.
        let slow = Array(("Tiêu đề\n\nHà Nội - Mở đầu.\n\n" + String(repeating: "hoà,", count: 2_000_000) + "\n").utf8)
        try workspace.write("slow.txt", slow)
        try workspace.write("normal.txt", ArticleGenerator.seedLikeArticles(1, seed: 81)[0])
        let daemon = try workspace.start(runner)
        #expect(Wait.until(seconds: 120) { workspace.errorRecords().count == 1 }, "\(daemon.log)")
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let error = try #require(workspace.errorRecords().first)
        #expect(error["code"] as? String == "parse_timeout", "\(error)")
        #expect(
            (error["reason"] as? String)?.contains("pipeline.max_parse_seconds = 0.05 s of CPU time") == true,
            "\(error)")
        #expect((workspace.records().first?["source"] as? [String: Any])?["name"] as? String == "normal.txt")
    }

    @Test func aRecordPastTheLimitIsAnErrorNotAShortenedRecord() throws {
        let workspace = try workspace("[pipeline]\nmax_record_bytes = 8192\n")
        let article = ArticleGenerator.seedLikeArticles(1, seed: 83)[0]
        try workspace.write("big.txt", article + Array("\n\n".utf8) + article.map { $0 == 0x0A ? 0x20 : $0 })
        try workspace.write("small.txt", Array("Tiêu đề ngắn\n\nHà Nội - Một đoạn ngắn.\n".utf8))
        let daemon = try workspace.start(runner)
        #expect(
            Wait.until(seconds: 60) { workspace.errorRecords().count == 1 && workspace.records().count == 1 },
            "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let error = try #require(workspace.errorRecords().first)
        #expect(error["code"] as? String == "record_too_large", "\(error)")
        #expect((error["reason"] as? String)?.contains("more than pipeline.max_record_bytes = 8192") == true)
        let line = try #require(Workspace.lines(of: workspace.output).first)
        #expect(line.count <= 8192)
    }
}
