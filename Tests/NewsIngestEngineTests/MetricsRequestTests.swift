import Testing

@testable import NewsIngestEngine

/// What the metrics server answers to a request head, and the exposition it serves.
@Suite struct MetricsRequestTests {
    static func answer(_ head: String) -> String {
        String(decoding: MetricsRequest.answer(to: Array(head.utf8), metrics: { "newsingest_x 1\n" }), as: UTF8.self)
    }

    @Test func getAndHeadOfMetricsAreAnsweredOthersGetAnErrorStatus() {
        let got = Self.answer("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(got.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(got.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(got.contains("Content-Length: 15\r\nConnection: close\r\n\r\n"))
        #expect(got.hasSuffix("\r\n\r\nnewsingest_x 1\n"))
        let head = Self.answer("HEAD /metrics HTTP/1.0\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.hasSuffix("Connection: close\r\n\r\n"))
        #expect(Self.answer("POST /metrics HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        #expect(Self.answer("POST /metrics HTTP/1.1\r\n\r\n").contains("Allow: GET, HEAD\r\n"))
        #expect(Self.answer("GET / HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        for bad in ["garbage\r\n\r\n", "GET /metrics\r\n\r\n", "GET /metrics SPDY/3\r\n\r\n", "GET /metrics HTTP/1.1"] {
            #expect(Self.answer(bad).hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(bad)")
        }
        let invalidUTF8 = MetricsRequest.answer(to: [0xFF, 0xFE, 0x0D, 0x0A, 0x0D, 0x0A]) { "" }
        #expect(String(decoding: invalidUTF8, as: UTF8.self).hasPrefix("HTTP/1.1 400 "))
    }

    @Test func theEndOfARequestHeadIsFound() {
        #expect(MetricsRequest.headEnd(in: Array("GET / HTTP/1.1\r\n\r\nrest".utf8)) == 18)
        #expect(MetricsRequest.headEnd(in: Array("GET / HTTP/1.1\r\n".utf8)) == nil)
        #expect(MetricsRequest.headEnd(in: []) == nil)
    }

    @Test func addressesAreAnIPv4OrBracketedIPv6AddressAndAPort() {
        #expect(MetricsAddress("127.0.0.1:9464") == MetricsAddress("127.0.0.1:9464"))
        #expect(MetricsAddress("0.0.0.0:0")?.port == 0)
        #expect(MetricsAddress("10.1.2.3:65535")?.host == "10.1.2.3")
        #expect(MetricsAddress("10.1.2.3:65535")?.isIPv6 == false)
        let loopback = MetricsAddress("[::1]:9464")
        #expect(loopback?.host == "::1" && loopback?.port == 9464 && loopback?.isIPv6 == true)
        #expect(loopback?.description == "[::1]:9464")
        #expect(MetricsAddress("[::]:0")?.host == "::")
        #expect(MetricsAddress("[fd00::2]:80")?.host == "fd00::2")
        for bad in [
            "localhost:9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "256.0.0.1:1", "1.2.3:4", ":80", "::1:80",
            "[::1]", "[]:80", "[::g]:80", "[127.0.0.1]:80", "[::1:80",
        ] {
            #expect(MetricsAddress(bad) == nil, "\(bad)")
        }
    }

    /// Every metric has its help and type, and counters end in `_total`, as Prometheus expects.
    @Test func theExpositionNamesAndTypesEveryMetric() {
        var snapshot = MetricsSnapshot()
        snapshot.emitted = 7
        snapshot.isPaused = true
        snapshot.startTimeSeconds = 1_795_822_684.9
        snapshot.linksSkipped = [.robots: 3]
        let lines = snapshot.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("newsingest_articles_emitted_total 7"))
        #expect(lines.contains("newsingest_output_paused 1"))
        #expect(lines.contains("newsingest_start_time_seconds 1795822684"))
        let samples = lines.filter { !$0.hasPrefix("#") }
        for sample in samples {
            // A labelled sample (`name{label="value"} 3`) is described under its name.
            let name = String(sample.prefix { $0 != " " && $0 != "{" })
            #expect(lines.contains { $0.hasPrefix("# HELP \(name) ") }, "\(name)")
            let type = lines.first { $0.hasPrefix("# TYPE \(name) ") }.map { String($0.split(separator: " ")[3]) }
            #expect(type == (name.hasSuffix("_total") ? "counter" : "gauge"), "\(name)")
        }
        #expect(samples.count == 14)
        #expect(lines.contains("newsingest_links_skipped_total{reason=\"robots\"} 3"))
        #expect(lines.contains("newsingest_links_skipped_total{reason=\"off_site\"} 0"))
        #expect(lines.contains("newsingest_last_commit_time_seconds 0.000"))
        #expect(MetricsSnapshot.seconds(milliseconds: 1_795_822_684_005) == "1795822684.005")
        #expect(MetricsSnapshot.seconds(milliseconds: 1_795_822_684_120) == "1795822684.120")
    }
}
