import Foundation
import NewsIngestSystem
import TestSupport

/// URL sources against a local nginx: articles listed by one index, fetched and ingested with 32 transfers at
/// once, against `curl` fetching the same URLs with 32 at once (`--parallel-max 32`) in the same run.
enum URLBenchmarks {
    static func index(count: Int) throws {
        let nginx = try TestNginx()
        try serveSmallArticles(count, on: nginx)
        let urls = (0..<count).map { nginx.baseURL + String(format: "/news/%05d.txt", $0) }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("newsingest-url-bench-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        // Baseline: curl, 32 transfers at once, every body to /dev/null.
        let list = work.appendingPathComponent("curl.cfg")
        try urls.map { "url = \"\($0)\"\noutput = \"/dev/null\"\n" }.joined().write(
            to: list, atomically: true, encoding: .utf8)
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["--silent", "--parallel", "--parallel-max", "32", "--config", list.path]
        curl.standardError = FileHandle.nullDevice
        let curlStart = DispatchTime.now()
        try curl.run()
        curl.waitUntilExit()
        let curlSeconds = NewsIngestBenchmarks.seconds(since: curlStart)

        // Ours: one index source, 32 transfers at once (and per host: there is one host).
        let config = work.appendingPathComponent("urls.toml")
        try """
        [source]
        max_transfers = 32
        max_per_host = 32
        [[source.url]]
        url = "\(nginx.baseURL)/news/"
        kind = "index"
        interval = 3600
        include = ["*.txt"]
        """.write(to: config, atomically: true, encoding: .utf8)
        let output = work.appendingPathComponent("articles.jsonl")
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: DaemonBenchmarks.binary)
        daemon.arguments = [
            "run", "--config", config.path, "--output", output.path,
            "--errors", work.appendingPathComponent("errors.jsonl").path,
            "--state-dir", work.appendingPathComponent("state").path, "--log-level", "warning",
        ]
        daemon.standardOutput = FileHandle.nullDevice
        let start = DispatchTime.now()
        try daemon.run()
        DaemonBenchmarks.waitForLines(output, count: count, poll: 20_000)
        let seconds = NewsIngestBenchmarks.seconds(since: start)
        daemon.terminate()
        daemon.waitUntilExit()

        print("url index: \(count) small articles listed by one nginx autoindex page, 32 transfers at once")
        print("| what | seconds | articles/s | speed against curl |")
        print("|---|---|---|---|")
        for (name, time) in [
            ("curl --parallel --parallel-max 32, bodies to /dev/null", curlSeconds),
            ("newsingest run: fetch the index, fetch, parse and write every article", seconds),
        ] {
            print(
                "| \(name) | \(String(format: "%.2f", time)) | \(Int(Double(count) / time)) | "
                    + "\(String(format: "%.2f", curlSeconds / time)) |")
        }
    }

    /// Serves `count` small distinct articles at `/news/NNNNN.txt`; the index is nginx's own autoindex page
    /// of `/news/`.
    static func serveSmallArticles(_ count: Int, on nginx: TestNginx) throws {
        for index in 0..<count {
            let text =
                "TPO - Bài số \(index) về giao thông ở Hà Nội, ngày \(index % 28 + 1)/12.\n\nNội dung bài \(index).\n"
            try nginx.serve(String(format: "news/%05d.txt", index), Array(text.utf8))
        }
    }
}
