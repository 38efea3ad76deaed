import Foundation
import TestSupport
import Testing

@testable import NewsIngestEngine

/// What start-up does with the bytes past the committed end of the output and the error log.
@Suite struct JSONLOutputTests {
    /// Removed when the test's suite instance goes.
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func file(_ contents: String) throws -> String {
        let path = directory.path("\(UUID()).jsonl")
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func recoveryAdoptsCompleteLinesChunkByChunkAndCutsATornTail() throws {
        let committed = "{\"id\":\"old\"}\n"
        let uncommitted = (0..<40).map {
            "{\"id\":\"id\($0)\",\"source\":{\"path\":\"/in/\($0).txt\",\"size\":\($0 + 100),"
                + "\"modified_at\":\"2026-11-27T10:00:00.0\($0 % 10)0Z\","
                + "\"device\":\($0 % 2 == 0 ? "2049" : "null"),\"inode\":\($0 + 7000),"
                + "\"born_at\":\"2026-11-27T09:00:00.000Z\"}}\n"
        }.joined()
        let path = try file(committed + uncommitted + "not a record\n" + "{\"id\":\"tor")
        let output = try JSONLOutput(path: path)
        var adopted: [AdoptedLine] = []
        var calls = 0
        // Chunks far smaller than the tail: lines straddle them, and memory holds one chunk's lines at a time.
        let recovery = try output.recover(committedOffset: Int64(committed.utf8.count), chunkBytes: 64) { lines in
            calls += 1
            adopted += lines
        }
        #expect(adopted.map(\.id) == (0..<40).map { "id\($0)" })
        #expect(adopted.first?.path == "/in/0.txt")
        #expect(adopted.last?.file?.size == 139 && adopted.last?.file?.modifiedAt == "2026-11-27T10:00:00.090Z")
        // The file's device, inode and birth time, when the record gives all three.
        let recorded = try #require(adopted[38].recorded)
        #expect(recorded.device == 2049 && recorded.inode == 7038 && recorded.bornAt == "2026-11-27T09:00:00.000Z")
        #expect(adopted[39].recorded == nil)
        #expect(calls > 10)
        #expect(recovery.adoptedLines == 40)
        #expect(recovery.unreadableLines == 1)
        #expect(recovery.cutBytes == "{\"id\":\"tor".utf8.count)
        let kept = try String(contentsOfFile: path, encoding: .utf8)
        #expect(kept == committed + uncommitted + "not a record\n")
        #expect(output.size == Int64(kept.utf8.count))
    }

    @Test func nothingPastTheCommittedEndIsNothingToRecover() throws {
        let path = try file("{\"id\":\"a\"}\n")
        let output = try JSONLOutput(path: path)
        let recovery = try output.recover(committedOffset: output.size) { _ in Issue.record("nothing to adopt") }
        #expect(recovery.adoptedLines == 0 && recovery.cutBytes == 0)
    }

    @Test func uncommittedErrorLinesAreCutBack() throws {
        let committed = "{\"path\":\"/in/a.txt\"}\n"
        let path = try file(committed + "{\"path\":\"/in/b.txt\"}\n{\"pa")
        let errors = try JSONLOutput(path: path)
        #expect(try errors.discardUncommitted(committedOffset: Int64(committed.utf8.count)) > 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == committed)
        // A file shorter than its committed end (replaced by hand) is left alone.
        #expect(try errors.discardUncommitted(committedOffset: 10_000) == 0)
    }

    /// The file once at the output's path, found by its device and inode under the name `logrotate` gave it
    /// beside that path; not the file at the path itself, nor one elsewhere.
    @Test func aRenamedOutputIsFoundBesideItsPath() throws {
        let path = directory.path("articles.jsonl")
        let output = try JSONLOutput(path: path)
        let (device, inode) = output.opened
        #expect(JSONLOutput.renamedFile(of: path, device: device, inode: inode) == nil)
        try FileManager.default.moveItem(atPath: path, toPath: directory.path("articles.jsonl.1"))
        _ = try JSONLOutput(path: path)
        #expect(JSONLOutput.renamedFile(of: path, device: device, inode: inode) == directory.path("articles.jsonl.1"))
        #expect(JSONLOutput.renamedFile(of: path, device: device &+ 1, inode: inode) == nil)
        try FileManager.default.createDirectory(atPath: directory.path("old"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: directory.path("articles.jsonl.1"), toPath: directory.path("old/a"))
        #expect(JSONLOutput.renamedFile(of: path, device: device, inode: inode) == nil)
    }
}
