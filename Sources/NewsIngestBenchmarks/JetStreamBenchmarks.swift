import Foundation
import NewsIngestSystem
import TestSupport

/// The JetStream sink against a real `nats-server` on loopback (file storage): a backlog into the stream
/// against the same backlog into JSONL, in turns; and two daemons of one cluster on one index against one.
enum JetStreamBenchmarks {
    /// A backlog of `count` seed-like files into JSONL, into JetStream alone, and into both, twice each in
    /// turns, each run on a fresh state and a stream of its own.
    static func backlog(count: Int) throws {
        let corpus = try BenchmarkCorpus.make(files: count)
        defer { corpus.remove() }
        let nats = try TestNATSServer()
        _ = try NewsIngestBenchmarks.catSeconds(corpus, into: "/dev/null")  // warm the page cache
        var times: [String: [Double]] = [:]
        for turn in 0..<2 {
            for mode in ["jsonl", "jetstream", "both"] {
                let work = corpus.directory.deletingLastPathComponent()
                    .appendingPathComponent("newsingest-js-\(getpid())-\(mode)-\(turn)")
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: work) }
                let stream = "BENCH_\(mode)_\(turn)"
                let subject = "bench.\(mode).\(turn)"
                let extra: [String] =
                    switch mode {
                    case "jsonl": []
                    case "jetstream":
                        ["--nats-url", nats.url, "--nats-stream", stream, "--nats-subject", subject, "--nats-only"]
                    default: ["--nats-url", nats.url, "--nats-stream", stream, "--nats-subject", subject]
                    }
                let start = DispatchTime.now()
                let daemon = try DaemonBenchmarks.startDaemon(input: corpus.directory.path, work: work, extra: extra)
                if mode == "jsonl" {
                    DaemonBenchmarks.waitForLines(
                        work.appendingPathComponent("articles.jsonl"), count: corpus.distinctArticles, poll: 20_000)
                } else {
                    while nats.messageCount(of: stream) < corpus.distinctArticles {
                        guard daemon.isRunning else {
                            print("the daemon stopped before the stream held every article")
                            exit(1)
                        }
                        usleep(50_000)
                    }
                }
                times[mode, default: []].append(NewsIngestBenchmarks.seconds(since: start))
                daemon.terminate()
                daemon.waitUntilExit()
                if mode != "jsonl" {
                    let stored = nats.messageCount(of: stream)
                    guard stored == corpus.distinctArticles else {
                        print("the stream \(stream) holds \(stored) messages, not \(corpus.distinctArticles)")
                        exit(1)
                    }
                }
            }
        }
        let megabytes = Double(corpus.totalBytes) / 1_048_576
        print(
            "backlog into JetStream: \(corpus.paths.count) seed-like files (\(corpus.distinctArticles) distinct), "
                + "\(String(format: "%.1f", megabytes)) MiB; nats-server on 127.0.0.1, file storage; two turns each")
        print("| output | seconds (each turn) | files/s (best) | speed against JSONL (best against best) |")
        print("|---|---|---|---|")
        let jsonl = times["jsonl"]!.min()!
        for (mode, name) in [
            ("jsonl", "JSONL (fsync batch)"), ("jetstream", "JetStream alone (--nats-only)"),
            ("both", "JSONL and JetStream"),
        ] {
            let best = times[mode]!.min()!
            let each = times[mode]!.map { String(format: "%.2f", $0) }.joined(separator: ", ")
            print(
                "| \(name) | \(each) | \(Int(Double(corpus.paths.count) / best)) | "
                    + "\(String(format: "%.2f", jsonl / best)) |")
        }
    }

    /// One index of `count` links on nginx, ingested into JetStream by one daemon, then by two daemons of one
    /// cluster (fresh states, streams and buckets): the time, and that each article is in the stream once.
    static func cluster(count: Int) throws {
        let nginx = try TestNginx()
        try URLBenchmarks.serveSmallArticles(count, on: nginx)
        let nats = try TestNATSServer()
        print("cluster: one index of \(count) small articles on a local nginx, into JetStream, 8 transfers per daemon")
        print("| daemons | seconds | articles/s | messages in the stream | distinct ids |")
        print("|---|---|---|---|---|")
        for daemons in [1, 2] {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "newsingest-cluster-bench-\(getpid())-\(daemons)")
            defer { try? FileManager.default.removeItem(at: root) }
            let stream = "CLUSTER\(daemons)"
            var processes: [Process] = []
            let start = DispatchTime.now()
            for member in 0..<daemons {
                let work = root.appendingPathComponent("member\(member)")
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                let config = work.appendingPathComponent("cluster.toml")
                try """
                [source]
                max_transfers = 8
                max_per_host = 8
                [[source.url]]
                url = "\(nginx.baseURL)/news/"
                kind = "index"
                interval = 1
                include = ["*.txt"]
                [output]
                jsonl = false
                [output.nats]
                servers = ["\(nats.url)"]
                stream = "\(stream)"
                subject = "cluster.bench\(daemons)"
                [cluster]
                name = "bench\(daemons)"
                """.write(to: config, atomically: true, encoding: .utf8)
                let empty = work.appendingPathComponent("empty")
                try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
                processes.append(
                    try DaemonBenchmarks.startDaemon(input: empty.path, work: work, extra: ["--config", config.path]))
            }
            while nats.messageCount(of: stream) < count {
                guard processes.allSatisfy(\.isRunning) else {
                    print("a daemon stopped before the stream held every article")
                    exit(1)
                }
                usleep(50_000)
            }
            let seconds = NewsIngestBenchmarks.seconds(since: start)
            usleep(3_000_000)  // a few more polls, which must add nothing
            for process in processes {
                process.terminate()
                process.waitUntilExit()
            }
            let messages = try nats.messages(of: stream)
            let ids = Set(messages.compactMap(\.messageID))
            print(
                "| \(daemons) | \(String(format: "%.2f", seconds)) | \(Int(Double(count) / seconds)) | "
                    + "\(messages.count) | \(ids.count) |")
        }
    }
}
