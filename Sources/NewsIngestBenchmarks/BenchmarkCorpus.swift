import ArticleFixtures
import Foundation
import NewsIngestSystem

/// A directory of seed-like article files for benchmarks: the two seeds and generated clean UTF-8 articles.
struct BenchmarkCorpus {
    let directory: URL
    let paths: [String]
    let totalBytes: Int
    /// Articles with distinct content: what the daemon emits with `dedupe = "content"` (the seeds repeat).
    let distinctArticles: Int

    /// Writes about `megabytes` of articles into a new temporary directory.
    static func make(megabytes: Int) throws -> BenchmarkCorpus {
        try make { _, total in total >= megabytes << 20 }
    }

    /// Writes `files` articles into a new temporary directory: seed-like ones, or `tiny` one-line ones (about
    /// 70 bytes, distinct), whose parsing costs next to nothing, so that what is measured is the work per file.
    static func make(files: Int, tiny: Bool = false) throws -> BenchmarkCorpus {
        try make(tiny: tiny) { count, _ in count >= files }
    }

    private static func make(
        tiny: Bool = false, until isDone: (_ files: Int, _ bytes: Int) -> Bool
    ) throws -> BenchmarkCorpus {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("newsingest-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let seeds = try RepositoryFiles.seedNames.map { try RepositoryFiles.seed($0) }
        var generator = ArticleGenerator(seed: 2025)
        var paths: [String] = []
        var total = 0
        var contents = Set<Int>()
        while !isDone(paths.count, total) {
            // One file in ten is a real seed, the rest generated in the seeds' shape.
            let bytes =
                tiny
                ? Array("TPO - Bài số \(paths.count) về thời tiết ở Hà Nội, ngày \(paths.count % 28 + 1)/12.\n".utf8)
                : paths.count % 10 == 0 ? seeds[paths.count / 10 % 2] : generator.nextSeedLike().bytes()
            let name = String(format: "%06d_%016llx.txt", paths.count, UInt64(paths.count) &* 0x9E37_79B9_7F4A_7C15)
            let path = directory.appendingPathComponent(name).path
            // Plain writes: Foundation's `Data.write` syncs every file, which makes a large corpus slow to lay out.
            try FileDescriptor(openingForWriting: path, create: true).writeAll(bytes)
            paths.append(path)
            total += bytes.count
            contents.insert(bytes.hashValue)
        }
        return BenchmarkCorpus(directory: directory, paths: paths, totalBytes: total, distinctArticles: contents.count)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
