import ArticleFixtures
import Dispatch
import Foundation
import Logging
import NewsFormat
import NewsIngestSystem
import Synchronization
import TestSupport
import Testing

@testable import NewsIngestEngine

/// The pipeline's writer and start-up recovery in-process, through the ``Sink`` seam: a real SQLite state
/// file and real temporary outputs, no binary.
@Suite struct BatchWriterTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func settings(dedupe: DedupePolicy = .content) -> PipelineSettings {
        PipelineSettings(
            workers: 2, maxInFlight: 8, toneStyle: .press, dedupe: dedupe, maxFileBytes: 1 << 20, sync: .batch,
            outputPath: directory.path("out.jsonl"), errorsPath: directory.path("errors.jsonl"))
    }

    /// Writes `bytes` as `name` and returns its path and identity, as a directory source would submit it.
    func file(_ name: String, _ bytes: [UInt8]) throws -> (path: String, identity: FileIdentity) {
        let path = directory.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, FileIdentity(try FileStatus(path: path)))
    }

    /// Waits until everything submitted to `pipeline` is written and committed.
    func waitUntilIdle(_ pipeline: IngestPipeline) {
        let idle = DispatchSemaphore(value: 0)
        pipeline.drain()
        pipeline.whenIdle(queue: .global()) { idle.signal() }
        idle.wait()
    }

    func lines(_ name: String) -> [String] {
        let text = (try? String(contentsOfFile: directory.path(name), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    @Test func everyFileIsWrittenOnceAndCommittedWithTheOutputsEnd() throws {
        let state = try StateStore(directory: directory.url.path)
        let pipeline = try IngestPipeline(settings: settings(), state: state, logger: Logger(label: "test"))
        let articles = ArticleGenerator.seedLikeArticles(6, seed: 3)
        var identities: [FileIdentity] = []
        for (index, bytes) in articles.enumerated() {
            let submitted = try file("\(index).txt", bytes)
            identities.append(submitted.identity)
            #expect(pipeline.submit(path: submitted.path, identity: submitted.identity) { false })
        }
        // The same content under another name: a duplicate under `dedupe = "content"`.
        let copy = try file("copy.txt", articles[0])
        #expect(pipeline.submit(path: copy.path, identity: copy.identity) { false })
        let bad = try file("bad.txt", [0xFF, 0xFE, 0x00])
        #expect(pipeline.submit(path: bad.path, identity: bad.identity) { false })
        waitUntilIdle(pipeline)

        #expect(lines("out.jsonl").count == 6)
        #expect(lines("errors.jsonl").count == 1)
        #expect(pipeline.counts.emitted == 6 && pipeline.counts.duplicates == 1 && pipeline.counts.failed == 1)
        for identity in identities { #expect(try state.committedVersion(of: identity)?.kind == .emitted) }
        #expect(try state.committedVersion(of: copy.identity)?.kind == .duplicate)
        #expect(try state.committedVersion(of: bad.identity)?.kind == .failed)
        let size = try FileStatus(path: directory.path("out.jsonl")).size
        #expect(try state.committedEnd(ofOutput: directory.path("out.jsonl"))?.offset == Int64(size))
    }

    @Test func linesPastTheCommittedEndAreAdoptedAtOpeningAndATornOneCut() throws {
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 5)
        let first = try file("a.txt", articles[0])
        do {
            let state = try StateStore(directory: directory.url.path)
            let pipeline = try IngestPipeline(settings: settings(), state: state, logger: Logger(label: "test"))
            pipeline.submit(path: first.path, identity: first.identity) { false }
            waitUntilIdle(pipeline)
        }
        // A crash after a batch was written and before its commit: a whole line and a torn one past the end.
        let uncommitted = try ArticleParser(toneStyle: .press).parse(articles[1], memo: WordMemo())
        let second = try file("b.txt", articles[1])
        let read = try ArticleFileReader.readFile(second.path, limit: 1 << 20)
        let line = ArticleRecord(
            article: uncommitted, source: .file(read.source), ingestedAt: Timestamp(millisecondsSince1970: 0)
        ).jsonLine()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path("out.jsonl")))
        handle.seekToEndOfFile()
        handle.write(Data(line + Array("{\"id\":\"to".utf8)))
        try handle.close()

        let state = try StateStore(directory: directory.url.path)
        let pipeline = try IngestPipeline(settings: settings(), state: state, logger: Logger(label: "test"))
        #expect(lines("out.jsonl").count == 2)  // the torn tail is cut, the whole line kept
        pipeline.submit(path: second.path, identity: second.identity) { false }
        waitUntilIdle(pipeline)
        #expect(lines("out.jsonl").count == 2)  // the adopted line stands for its file
        #expect(pipeline.counts.duplicates == 1 && pipeline.counts.emitted == 0)
    }

    @Test func anotherSinkTakesTheBatchesWithoutAnythingElseChanging() throws {
        let state = try StateStore(directory: directory.url.path)
        let sink = CountingSink(path: directory.path("counted.jsonl"))
        let pipeline = try IngestPipeline(settings: settings(), state: state, sink: sink, logger: Logger(label: "test"))
        let articles = ArticleGenerator.seedLikeArticles(4, seed: 9)
        for (index, bytes) in articles.enumerated() {
            let submitted = try file("\(index).txt", bytes)
            pipeline.submit(path: submitted.path, identity: submitted.identity) { false }
        }
        waitUntilIdle(pipeline)
        #expect(sink.records.withLock { $0 }.count == 4)
        #expect(sink.durableCalls.withLock { $0 } >= 1)
        #expect(try state.committedEnd(ofOutput: directory.path("counted.jsonl"))?.offset == 4)
    }
}

/// A second ``Sink``: keeps the records' ids, and commits as its end how many it holds.
private final class CountingSink: Sink, @unchecked Sendable {
    let path: String
    let records = Mutex<[String]>([])
    let durableCalls = Mutex(0)

    init(path: String) { self.path = path }

    func prepare(forBatchOf bytes: Int, commitWaiting: () -> Int) throws {}
    func write(_ batch: SinkBatch) throws { records.withLock { $0 += batch.records.map(\.id) } }
    func makeDurable(_ policy: SyncPolicy) throws { durableCalls.withLock { $0 += 1 } }
    var committedEnds: [OutputEnd] {
        [OutputEnd(path: path, offset: Int64(records.withLock { $0.count }), file: nil)]
    }
    func mend(after error: any Error, commitWaiting: () -> Int) -> Bool { false }
    func reopen(commitWaiting: () -> Int) throws {}
}
