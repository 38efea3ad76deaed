import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// `/metrics` served by the running daemon (`--metrics-address`), asked over a real TCP connection.
@Suite struct MetricsServerTests {
    let runner = BinaryRunner()

    /// The port the daemon says it serves metrics on (at `host`, as in a URL).
    static func port(in log: String, host: String = "127.0.0.1") -> UInt16? {
        guard let url = log.range(of: "serving metrics url=http://\(host):") else { return nil }
        return UInt16(log[url.upperBound...].prefix { $0.isNumber })
    }

    static func sample(_ name: String, in body: String) -> String? {
        body.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// The counts follow what the daemon does; a client that connects and says nothing holds up neither the
    /// ingestion nor, past a few seconds, the next client.
    @Test func theCountsAreServedAndASilentClientHoldsNothingUp() throws {
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 79)
        try workspace.write("a.txt", articles[0])
        try workspace.write("bad.txt", [0x00, 0x01, 0x02])
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--metrics-address", "127.0.0.1:0"],
            in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { Self.port(in: daemon.log) != nil }, "\(daemon.log)")
        let port = try #require(Self.port(in: daemon.log))
        #expect(
            Wait.until(seconds: 60) {
                let body = RawHTTPRequest.get("/metrics", port: port)?.body ?? ""
                return Self.sample("newsingest_articles_emitted_total", in: body) == "1"
                    && Self.sample("newsingest_articles_failed_total", in: body) == "1"
            }, "\(daemon.log)")
        let answer = try #require(RawHTTPRequest.get("/metrics", port: port))
        #expect(answer.status == 200)
        #expect(answer.head.contains("Content-Type: text/plain; version=0.0.4"))
        #expect(Self.sample("newsingest_watched_directories", in: answer.body) == "1")
        #expect(Self.sample("newsingest_output_paused", in: answer.body) == "0")
        let lastCommit = Self.sample("newsingest_last_commit_time_seconds", in: answer.body).flatMap(Double.init)
        #expect(abs((lastCommit ?? 0) - Date().timeIntervalSince1970) < 120, "\(answer.body)")
        #expect(RawHTTPRequest.get("/", port: port)?.status == 404)
        #expect(RawHTTPRequest.get("/metrics", port: port, method: "DELETE")?.status == 405)
        #expect(RawHTTPRequest.send("nonsense\r\n\r\n", toPort: port)?.status == 400)

        let silent = try #require(RawHTTPRequest.connect(toPort: port))
        defer { close(silent) }
        try workspace.write("b.txt", articles[1])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        let after = RawHTTPRequest.get("/metrics", port: port)
        #expect(after.map { Self.sample("newsingest_articles_emitted_total", in: $0.body) } == "2")

        // A client sending its request a byte at a time is cut off once its time is up, not at its leisure.
        let trickling = try #require(RawHTTPRequest.connect(toPort: port))
        defer { close(trickling) }
        let started = Date()
        var cutOff = false
        for byte in Array("GET /metrics HTTP/1.1\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 60) {
            var one = byte
            usleep(200_000)
            if send(trickling, &one, 1, Int32(MSG_NOSIGNAL)) != 1 {
                cutOff = true
                break
            }
        }
        #expect(cutOff, "still connected after \(Date().timeIntervalSince(started)) s")
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(RawHTTPRequest.get("/metrics", port: port)?.status == 200)
        #expect(daemon.stop() == 0)
    }

    /// An IPv6 address in brackets: served there, and said so in the log as in a URL.
    @Test(.enabled(if: RawHTTPRequest.hasIPv6Loopback, "this machine has no IPv6 loopback"))
    func metricsAreServedOnAnIPv6Address() throws {
        let workspace = try Workspace()
        try workspace.write("a.txt", ArticleGenerator.seedLikeArticles(1, seed: 83)[0])
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--metrics-address", "[::1]:0"],
            in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { Self.port(in: daemon.log, host: "[::1]") != nil }, "\(daemon.log)")
        let port = try #require(Self.port(in: daemon.log, host: "[::1]"))
        #expect(
            Wait.until(seconds: 60) {
                let body = RawHTTPRequest.get("/metrics", port: port, host: "::1")?.body ?? ""
                return Self.sample("newsingest_articles_emitted_total", in: body) == "1"
            }, "\(daemon.log)")
        #expect(RawHTTPRequest.get("/metrics", port: port, host: "127.0.0.1") == nil)
        #expect(daemon.stop() == 0)
    }

    @Test func aBadOrTakenAddressIsRefused() throws {
        let workspace = try Workspace()
        let bad = try runner.run(workspace.arguments + ["--metrics-address", "localhost:9464"])
        #expect(bad.status == 78)
        #expect(bad.error.contains("--metrics-address localhost:9464: must be an IPv4 address and a port"))
        #expect(bad.error.contains("or an IPv6 one in brackets, as [::1]:9464"), "\(bad.error)")
        let unbracketed = try runner.run(workspace.arguments + ["--metrics-address", "::1:9464"])
        #expect(unbracketed.status == 78, "\(unbracketed.error)")
        let config = workspace.temporary.path("metrics.toml")
        try Data("[daemon]\nmetrics_address = \"127.0.0.1\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let check = try runner.run(["check-config", config])
        #expect(check.status == 78)
        #expect(check.error.contains("daemon.metrics_address = \"127.0.0.1\": must be an IPv4 address and a port"))

        // A port another process listens on: the start fails, saying so.
        let first = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--metrics-address", "127.0.0.1:0"],
            in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { Self.port(in: first.log) != nil }, "\(first.log)")
        let port = try #require(Self.port(in: first.log))
        let other = try Workspace()
        let taken = try runner.run(other.arguments + ["--metrics-address", "127.0.0.1:\(port)"])
        #expect(taken.status == 1)
        #expect(taken.error.contains("Address already in use"), "\(taken.error)")
        #expect(taken.error.contains("choose another port"), "\(taken.error)")
        #expect(first.stop() == 0)
    }
}
