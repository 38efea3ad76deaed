import ArticleFixtures
import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing

@testable import NewsIngestEngine

/// The daemon's parts as swift-service-lifecycle services, in-process: a real directory source (inotify), the
/// pipeline on a real SQLite state file and a real JSONL output, run by a real `ServiceGroup`.
@Suite struct DaemonServicesTests {
    @Test func aGracefulShutdownStopsTheSourcesThenCommitsWhatIsInFlight() async throws {
        let directory = try TemporaryDirectory()
        let input = directory.path("in")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        let logger = Logger(label: "test")
        let state = try StateStore(directory: directory.url.path)
        var settings = PipelineSettings(
            workers: 2, maxInFlight: 8, toneStyle: .press, dedupe: .content, maxFileBytes: 1 << 20, sync: .interval,
            outputPath: directory.path("out.jsonl"), errorsPath: directory.path("errors.jsonl"))
        settings.syncIntervalSeconds = 3600
        let pipeline = try IngestPipeline(settings: settings, state: state, logger: logger)
        let articles = ArticleGenerator.seedLikeArticles(20, seed: 11)
        for (index, bytes) in articles.enumerated() {
            try Data(bytes).write(to: URL(fileURLWithPath: input + "/\(index).txt"))
        }
        let makeSource = {
            try DirectorySource(
                directories: [DirectorySettings(path: input)], pipeline: pipeline, state: state, logger: logger,
                settleSeconds: 0, rescanSeconds: 3600)
        }
        let ready = AsyncStream<Void>.makeStream()
        let sources = SourcesService(directories: try makeSource(), urls: nil) { ready.continuation.yield() }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [PipelineDrainService(pipeline: pipeline, state: state, logger: logger), sources],
                logger: logger))
        let running = Task { try await group.run() }
        var readiness = ready.stream.makeAsyncIterator()
        await readiness.next()
        let output = settings.outputPath
        let lineCount = { ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").count }
        try await waitUntil { lineCount() == 20 }
        // With `fsync = "interval"` and an hour's interval, what is written waits for its commit: the drain.
        #expect(try state.lastFileVersionRow() == 0)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try state.lastFileVersionRow() == 20, "every file read was committed by the drain")
        #expect(lineCount() == 20)
        // Stopped: a reload arriving now starts no directory source.
        #expect(!sources.replaceDirectories(with: try makeSource()) {})
    }

    /// Polls `condition` every 10 ms for up to 60 s.
    func waitUntil(_ condition: () -> Bool) async throws {
        var waited = 0
        while !condition(), waited < 6000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(condition(), "timed out")
    }
}
