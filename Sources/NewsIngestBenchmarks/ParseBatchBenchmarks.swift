import Foundation

/// `newsingest parse` as a batch tool: linear in the number of names given, and its speed on every core
/// against `cat` of the same files.
enum ParseBatchBenchmarks {
    /// Runs `newsingest parse` with `arguments` (names on the command line or a list), records to
    /// `destination`, and returns the wall seconds.
    static func parseSeconds(_ arguments: [String], into destination: String, in directory: URL) throws -> Double {
        let process = Process()
        process.currentDirectoryURL = directory
        process.executableURL = URL(fileURLWithPath: DaemonBenchmarks.binary)
        process.arguments = ["parse", "--quiet"] + arguments
        // Emptied first, as `cat`'s `>` empties its file: both write into new pages of the page cache.
        guard FileManager.default.createFile(atPath: destination, contents: nil) else {
            throw BenchmarkFailure("cannot create \(destination)")
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        let start = DispatchTime.now()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("newsingest parse exited \(process.terminationStatus)")
        }
        return NewsIngestBenchmarks.seconds(since: start)
    }

    /// `count` seed-like files: names on the command line at `count` and at a tenth of it (time per file
    /// compared), then the whole corpus through `--files-from`, ordered and unordered, against `cat`: three
    /// rounds of the three in turn, each taken at its best, so that a neighbour's burst on this shared
    /// machine slows one run of one of them rather than deciding the ratio.
    static func run(count: Int) throws {
        let corpus = try BenchmarkCorpus.make(files: count)
        defer { corpus.remove() }
        let work = corpus.directory.deletingLastPathComponent().appendingPathComponent("newsingest-parse-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let output = work.appendingPathComponent("records.jsonl").path
        let list = work.appendingPathComponent("list").path
        try Data(corpus.paths.joined(separator: "\0").utf8).write(to: URL(fileURLWithPath: list))
        _ = try NewsIngestBenchmarks.catSeconds(corpus, into: "/dev/null")  // warm the page cache
        // Names relative to the corpus: 50 000 of them fit the kernel's limit on arguments (about 2 MiB).
        let names = corpus.paths.map { URL(fileURLWithPath: $0).lastPathComponent }
        let tenth = Array(names.prefix(count / 10))
        let at = corpus.directory
        let few = try parseSeconds(tenth, into: output, in: at)
        let many = try parseSeconds(names, into: output, in: at)
        var (cat, ordered, unordered) = (Double.infinity, Double.infinity, Double.infinity)
        for _ in 0..<3 {
            cat = min(cat, try NewsIngestBenchmarks.catSeconds(corpus, into: output))
            ordered = min(ordered, try parseSeconds(["--files-from", list, "-0"], into: output, in: at))
            unordered = min(
                unordered, try parseSeconds(["--files-from", list, "-0", "--unordered"], into: output, in: at))
        }
        let megabytes = Double(corpus.totalBytes) / 1_048_576
        print("parse batch: \(corpus.paths.count) seed-like files, \(String(format: "%.1f", megabytes)) MiB")
        print(
            "names as arguments: \(tenth.count) in \(String(format: "%.2f", few)) s, \(corpus.paths.count) in "
                + "\(String(format: "%.2f", many)) s: time per file \(String(format: "%.2f", many / few * Double(tenth.count) / Double(corpus.paths.count)))x"
        )
        printFileRates(
            [
                ("cat of the files into one file (best of 3)", cat),
                ("newsingest parse --files-from, in order (best of 3)", ordered),
                ("newsingest parse --files-from --unordered (best of 3)", unordered),
            ], files: corpus.paths.count, megabytes: megabytes, cat: cat)
    }
}

/// Prints a table of runs over `files` files of `megabytes` MiB: seconds, files and MiB per second, and the
/// speed against `cat`'s `cat` seconds.
func printFileRates(_ rows: [(name: String, seconds: Double)], files: Int, megabytes: Double, cat: Double) {
    print("| what | seconds | files/s | MiB/s | speed against cat |")
    print("|---|---|---|---|---|")
    for (name, time) in rows {
        print(
            "| \(name) | \(String(format: "%.2f", time)) | \(Int(Double(files) / time)) | "
                + "\(String(format: "%.1f", megabytes / time)) | \(String(format: "%.2f", cat / time)) |")
    }
}
