import ArticleFixtures
import Foundation
import NewsIngestSystem
import TestSupport

/// `daemon-hostile`: the daemon's peak memory and time with six worst-case files of up to `max_file_bytes`
/// (10 MiB) dropped at once, against the same daemon idle, and how long a normal file dropped after them waits.
enum HostileBenchmarks {
    /// The six files: each is built to hurt one part of the parser, at the largest size taken.
    static func files(megabytes: Int) -> [(name: String, bytes: [UInt8])] {
        let size = megabytes << 20
        let head = Array("Tiêu đề bài báo\n\nHà Nội - Đoạn mở đầu của bài báo.\n\n".utf8)
        func filled(_ unit: String) -> [UInt8] {
            let unit = Array(unit.utf8)
            var bytes = head
            bytes.reserveCapacity(size)
            while bytes.count + unit.count < size - 1 { bytes += unit }
            return bytes + [0x0A]
        }
        var paragraphs = head
        var index = 0
        while paragraphs.count < size / 4 {
            paragraphs += Array("Đoạn văn số \(index) của bài.\n\n".utf8)
            index += 1
        }
        return [
            ("lines.txt", filled("a\n")),
            ("marks.txt", filled("\u{301}\u{323}")),
            ("paragraphs.txt", paragraphs),
            ("one-paragraph.txt", filled("Đoạn văn rất dài, ")),
            ("glued-words.txt", filled("hoà,")),
            ("stray-bytes.txt", head + [UInt8](repeating: 0xE1, count: size - head.count - 1) + [0x0A]),
        ]
    }

    static func run(megabytes: Int) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("newsingest-hostile-\(getpid())")
        let input = root.appendingPathComponent("in")
        let staging = root.appendingPathComponent("staging")
        for directory in [input, staging] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let hostile = files(megabytes: megabytes)
        for file in hostile {
            try FileDescriptor(openingForWriting: staging.appendingPathComponent(file.name).path, create: true)
                .writeAll(file.bytes)
        }
        let inputBytes = hostile.reduce(0) { $0 + $1.bytes.count }
        let daemon = try DaemonBenchmarks.startDaemon(input: input.path, work: root)
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        // Idle, watching: the baseline.
        try FileDescriptor(openingForWriting: input.appendingPathComponent("first.txt").path, create: true)
            .writeAll(ArticleGenerator.seedLikeArticles(1, seed: 1)[0])
        DaemonBenchmarks.waitForLines(root.appendingPathComponent("articles.jsonl"), count: 1)
        let idle = DaemonBenchmarks.residentKilobytes(daemon.processIdentifier, field: "VmRSS:")
        let cpuBefore = cpuSeconds(daemon.processIdentifier)

        // The six at once (renamed in, as a writer would), then one normal file behind them.
        let start = DispatchTime.now()
        for file in hostile {
            try FileManager.default.moveItem(
                at: staging.appendingPathComponent(file.name), to: input.appendingPathComponent(file.name))
        }
        try FileDescriptor(openingForWriting: input.appendingPathComponent("normal.txt").path, create: true)
            .writeAll(ArticleGenerator.seedLikeArticles(1, seed: 2)[0])
        let output = DaemonBenchmarks.LineCounter(root.appendingPathComponent("articles.jsonl"))
        let errors = DaemonBenchmarks.LineCounter(root.appendingPathComponent("errors.jsonl"))
        var normalSeconds: Double?
        var peak = 0
        while output.update() + errors.update() < 2 + hostile.count {
            if normalSeconds == nil, output.lines >= 2 { normalSeconds = NewsIngestBenchmarks.seconds(since: start) }
            peak = max(peak, DaemonBenchmarks.residentKilobytes(daemon.processIdentifier, field: "VmHWM:"))
            usleep(20_000)
        }
        let seconds = NewsIngestBenchmarks.seconds(since: start)
        peak = max(peak, DaemonBenchmarks.residentKilobytes(daemon.processIdentifier, field: "VmHWM:"))
        let cpu = cpuSeconds(daemon.processIdentifier) - cpuBefore
        let codes = Workspace.objects(in: root.appendingPathComponent("errors.jsonl")).compactMap {
            $0["code"] as? String
        }
        print("six worst-case files of \(megabytes) MiB at once (\(inputBytes >> 20) MiB in all), 2 workers:")
        print(
            "| idle RSS | peak RSS (VmHWM) | peak / idle | peak / input | all six done | daemon CPU | normal file after them |"
        )
        print("|---|---|---|---|---|---|---|")
        print(
            "| \(idle >> 10) MiB | \(peak >> 10) MiB | \(String(format: "%.1f", Double(peak) / Double(idle))) | "
                + "\(String(format: "%.2f", Double(peak << 10) / Double(inputBytes))) | "
                + "\(String(format: "%.2f", seconds)) s | \(String(format: "%.2f", cpu)) s | "
                + "\(normalSeconds.map { String(format: "%.2f s", $0) } ?? "last") |")
        print("records: \(output.lines - 1), errors: \(codes.sorted().joined(separator: ", "))")
    }

    /// User and system CPU seconds of process `pid` so far.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime 14 and stime 15 (counting from 1 with pid and name).
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
