import ArticleFixtures
import Foundation
import NewsIngestSystem
import Synchronization

/// Benchmarks of the daemon itself: the real `newsingest run` beside this program, on temporary directories.
enum DaemonBenchmarks {
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("newsingest")
            .path
    }

    /// Starts `newsingest run` on `input`, writing into `work`.
    static func startDaemon(input: String, work: URL, extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            [
                "run", "--watch", input, "--output", work.appendingPathComponent("articles.jsonl").path,
                "--errors", work.appendingPathComponent("errors.jsonl").path,
                "--state-dir", work.appendingPathComponent("state").path, "--settle", "0", "--log-level", "warning",
            ] + extra
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Counts the lines of a growing file incrementally, reading only what was appended since the last call.
    final class LineCounter {
        let path: String
        private var offset = 0
        private(set) var lines = 0

        init(_ url: URL) { path = url.path }

        func update() -> Int {
            guard let file = try? FileDescriptor(openingForReading: path),
                let size = try? file.status().size, size > offset,
                let bytes = try? file.read(count: size - offset, at: offset)
            else { return lines }
            offset += bytes.count
            lines += bytes.withUnsafeBufferPointer { buffer in buffer.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } }
            return lines
        }
    }

    static func waitForLines(_ url: URL, count: Int, poll: UInt32 = 50_000) {
        let counter = LineCounter(url)
        while counter.update() < count { usleep(poll) }
    }

    /// Backlog of `count` seed-like articles (or `tiny` one-line ones, to measure the work per file apart from
    /// parsing) to JSONL, against `cat` of the same files into one file.
    static func backlog(count: Int, tiny: Bool = false) throws {
        let corpus = try BenchmarkCorpus.make(files: count, tiny: tiny)
        defer { corpus.remove() }
        let work = corpus.directory.deletingLastPathComponent().appendingPathComponent("newsingest-work-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        _ = try NewsIngestBenchmarks.catSeconds(corpus, into: "/dev/null")  // warm the page cache
        let catOutput = work.appendingPathComponent("cat.out")
        let cat = try NewsIngestBenchmarks.catSeconds(corpus, into: catOutput.path)
        // Each run's output is removed after it, and the files read again before the next run: this machine's
        // page cache holds one to two gigabytes, and a run's output left there pushes the corpus out of it, so the
        // next run would read from the disk what the one before read from memory.
        try FileManager.default.removeItem(at: catOutput)
        // The parser alone on both cores, as the batch tool runs it, into a file on the same disk: what the
        // daemon's reading, state, batching and syncing add is measured against this.
        let list = work.appendingPathComponent("list").path
        try Data(corpus.paths.joined(separator: "\0").utf8).write(to: URL(fileURLWithPath: list))
        let parsed = work.appendingPathComponent("parsed.jsonl").path
        _ = try NewsIngestBenchmarks.catSeconds(corpus, into: "/dev/null")
        let parse = try ParseBatchBenchmarks.parseSeconds(
            ["--files-from", list, "-0", "--unordered"], into: parsed, in: work)
        try FileManager.default.removeItem(atPath: parsed)
        _ = try NewsIngestBenchmarks.catSeconds(corpus, into: "/dev/null")
        let start = DispatchTime.now()
        let daemon = try startDaemon(input: corpus.directory.path, work: work)
        waitForLines(work.appendingPathComponent("articles.jsonl"), count: corpus.distinctArticles, poll: 20_000)
        let seconds = NewsIngestBenchmarks.seconds(since: start)
        let written = bytesWritten(daemon.processIdentifier)
        daemon.terminate()
        daemon.waitUntilExit()
        let megabytes = Double(corpus.totalBytes) / 1_048_576
        print(
            "backlog: \(corpus.paths.count) \(tiny ? "one-line" : "seed-like") files, "
                + "\(String(format: "%.1f", megabytes)) MiB")
        printFileRates(
            [
                ("cat of the files into one file", cat), ("newsingest parse --unordered into one file", parse),
                ("newsingest run, backlog to JSONL (fsync batch)", seconds),
            ], files: corpus.paths.count, megabytes: megabytes, cat: cat)
        print("the daemon against parse --unordered: \(String(format: "%.2f", parse / seconds))")
        let outputBytes =
            (try? FileManager.default.attributesOfItem(atPath: work.appendingPathComponent("articles.jsonl").path)[
                .size] as? Int) ?? 0
        print(
            "written to disk by the daemon: \(written / 1_048_576) MiB, \(written / corpus.distinctArticles) bytes "
                + "per article (the output itself: \(outputBytes / corpus.distinctArticles); the rest is the state "
                + "and its journal)")
    }

    /// Bytes the process `pid` caused to be written to storage so far (`write_bytes` of `/proc/PID/io`).
    static func bytesWritten(_ pid: Int32) -> Int { procNumber(pid, file: "io", field: "write_bytes:") }

    /// Files arriving at `rate` per second for `seconds`: time from each file's rename into place to its line.
    static func latency(rate: Int, seconds: Int) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("newsingest-latency-\(getpid())")
        let input = root.appendingPathComponent("in")
        let staging = root.appendingPathComponent("staging")
        for url in [input, staging] {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("articles.jsonl")
        let daemon = try startDaemon(input: input.path, work: root)
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        while !FileManager.default.fileExists(atPath: output.path) { usleep(10_000) }
        usleep(500_000)

        var generator = ArticleGenerator(seed: 500)
        let total = rate * seconds
        let articles = (0..<total).map { _ in generator.nextSeedLike().bytes() }
        var closedAt = [String: UInt64]()
        // A reader thread follows the output like `tail -F` and notes when each file's line appears.
        let seenAt = Mutex<[String: UInt64]>([:])
        let reader = Thread {
            let handle = FileHandle(forReadingAtPath: output.path)!
            var pending = Data()
            while seenAt.withLock({ $0.count }) < total {
                let chunk = handle.availableData
                if chunk.isEmpty {
                    usleep(200)
                    continue
                }
                let now = DispatchTime.now().uptimeNanoseconds
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = pending[pending.startIndex..<newline]
                    pending.removeSubrange(pending.startIndex...newline)
                    if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                        let name = (object["source"] as? [String: Any])?["name"] as? String
                    {
                        seenAt.withLock { $0[name] = now }
                    }
                }
            }
        }
        reader.start()
        let interval = 1_000_000_000 / UInt64(rate)
        let start = DispatchTime.now().uptimeNanoseconds
        for (index, bytes) in articles.enumerated() {
            let name = String(format: "%06d.txt", index)
            let due = start + UInt64(index) * interval
            while DispatchTime.now().uptimeNanoseconds < due { usleep(100) }
            let staged = staging.appendingPathComponent(name).path
            try FileDescriptor(openingForWriting: staged, create: true).writeAll(bytes)  // closed at once
            // The clock starts when the complete file appears in the watched directory.
            closedAt[name] = DispatchTime.now().uptimeNanoseconds
            rename(staged, input.appendingPathComponent(name).path)
        }
        while seenAt.withLock({ $0.count }) < total { usleep(10_000) }
        let seen = seenAt.withLock { $0 }
        let latencies = closedAt.compactMap { name, closed in seen[name].map { Double(Int64($0) - Int64(closed)) / 1e6 }
        }
        .sorted()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print("latency: \(total) files at \(rate) files/s, rename into place to line in the output (fsync batch)")
        print("| p50 | p90 | p99 | max |")
        print("|---|---|---|---|")
        print(
            "| \(String(format: "%.1f", percentile(0.5))) ms | \(String(format: "%.1f", percentile(0.9))) ms | "
                + "\(String(format: "%.1f", percentile(0.99))) ms | \(String(format: "%.1f", latencies.last!)) ms |"
        )
    }

    /// Peak resident memory of the daemon while it ingests a backlog of `count` small files.
    static func peakMemory(count: Int) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("newsingest-rss-\(getpid())")
        let input = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        // Small distinct articles: memory depends on how many files wait, not on their size.
        for index in 0..<count {
            let text = "TPO - Bài số \(index) về thời tiết ở Hà Nội, ngày \(index % 28 + 1)/12.\n"
            try FileDescriptor(
                openingForWriting: input.appendingPathComponent(String(format: "%07d.txt", index)).path, create: true
            )
            .writeAll(Array(text.utf8))
        }
        let start = DispatchTime.now()
        let daemon = try startDaemon(input: input.path, work: root)
        let output = LineCounter(root.appendingPathComponent("articles.jsonl"))
        var peak = 0
        while output.update() < count {
            peak = max(peak, residentKilobytes(daemon.processIdentifier, field: "VmHWM:"))
            sleep(1)
        }
        peak = max(peak, residentKilobytes(daemon.processIdentifier, field: "VmHWM:"))
        let seconds = NewsIngestBenchmarks.seconds(since: start)
        daemon.terminate()
        daemon.waitUntilExit()
        print("peak RSS (VmHWM) while ingesting a backlog of \(count) files: \(peak / 1024) MiB, in \(Int(seconds)) s")
    }

    static func residentKilobytes(_ pid: Int32, field: String) -> Int { procNumber(pid, file: "status", field: field) }

    /// The number after `field` on its line of `/proc/PID/FILE` (0 when there is none).
    static func procNumber(_ pid: Int32, file: String, field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
