import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// Runs the real `newsingest` binary.
@Suite struct CommandLineTests {
    let runner = BinaryRunner()

    func run(_ arguments: [String], input: Data = Data()) throws -> BinaryRunner.Result {
        try runner.run(arguments, input: input)
    }

    func lines(_ data: Data) throws -> [[String: Any]] {
        try data.split(separator: 0x0A).map { try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
    }

    @Test func parsePrintsOneRecordPerSeed() throws {
        let seeds = RepositoryFiles.root().appendingPathComponent("seeds")
        let paths = RepositoryFiles.seedNames.map { seeds.appendingPathComponent($0).path }
        let result = try run(["parse"] + paths)
        #expect(result.status == 0)
        #expect(result.error.isEmpty)
        let records = try lines(result.output)
        #expect(records.count == 2)
        #expect(records.map { ($0["source"] as! [String: Any])["path"] as? String } == paths)
        #expect(
            records[1]["title"] as? String
                == "Tổng thống Ukraine Zelensky báo hiệu tiến triển trong thương lượng với Mỹ")
    }

    @Test func aBadFileIsReportedAndTheOthersStillPrint() throws {
        let temporary = try TemporaryDirectory()
        let directory = temporary.url
        let good = directory.appendingPathComponent("001_0000000000000001.txt")
        let binary = directory.appendingPathComponent("002_0000000000000002.txt")
        let missing = directory.appendingPathComponent("missing.txt")
        try Data("TPO - Hà Nội mùa thu.".utf8).write(to: good)
        try Data([0x48, 0x00, 0x01, 0x02]).write(to: binary)
        let result = try run(["parse", binary.path, good.path, missing.path, "/dev/null"])
        #expect(result.status == 1)
        #expect(try lines(result.output).count == 1)
        #expect(result.error.contains("\(binary.path): not text: NUL byte (at byte offset 1)"))
        #expect(result.error.contains("\(missing.path): open failed: No such file or directory"))
        #expect(result.error.contains("/dev/null: not a regular file"))
    }

    @Test func parseReadsStandardInput() throws {
        let result = try run(["parse", "--tone-style", "modern"], input: Data("VOV.VN - Hòa bình.".utf8))
        #expect(result.status == 0)
        let record = try #require(try lines(result.output).first)
        #expect(record["lead"] as? String == "Hoà bình.")
        #expect((record["source"] as? [String: Any])?["type"] as? String == "stdin")
    }

    @Test func normalizeRewritesStandardInputLineForLine() throws {
        let input = Data("Thuỷ  điện\u{A0}Hoà Bình\r\n\r\nđuợc  \n".utf8)
        let result = try run(["normalize"], input: input)
        #expect(result.status == 0)
        #expect(String(decoding: result.output, as: UTF8.self) == "Thủy điện Hòa Bình\n\nđược\n")
        let modern = try run(["normalize", "--tone-style", "modern"], input: input)
        #expect(String(decoding: modern.output, as: UTF8.self) == "Thuỷ điện Hoà Bình\n\nđược\n")
    }

    @Test func normalizeDecodesLegacyInputAndLargeStreams() throws {
        let line = "Người dân được hỗ trợ kịp thời sau trận lũ lịch sử.\n"
        let text = String(repeating: line, count: 50_000)  // several chunks
        let result = try run(["normalize"], input: Data(LegacyEncoder.encode(text, as: .tcvn3)))
        #expect(result.status == 0)
        #expect(String(decoding: result.output, as: UTF8.self) == text)
    }

    @Test func normalizeRejectsBinaryInput() throws {
        let result = try run(["normalize"], input: Data([0x41, 0x00]))
        #expect(result.status == 1)
        #expect(result.error.contains("NUL byte"))
    }

    @Test func unknownToneStyleIsAUsageError() throws {
        let result = try run(["normalize", "--tone-style", "fancy"])
        #expect(result.status == 64)
        #expect(result.error.contains("tone-style"))
    }
}
