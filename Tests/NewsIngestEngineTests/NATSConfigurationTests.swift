import Foundation
import Testing

@testable import NewsIngestEngine

/// `[output.nats]`, `output.jsonl` and `[cluster]`: every key read, every mistake named by its key; the
/// subject and name rules; the subject filters a stream's subjects are matched with.
@Suite struct NATSConfigurationTests {
    func parse(_ text: String) throws(ConfigurationError) -> DaemonSettings {
        try Configuration.parse(text, source: "test.toml", cores: 2)
    }

    @Test func everyKeyIsRead() throws {
        let settings = try parse(
            """
            [output]
            jsonl = false
            [output.nats]
            servers = ["nats://a:4222", "tls://b:4443"]
            stream = "NEWS"
            subject = "news.vn.articles"
            token = "t0ken"
            connect_timeout = 2
            ack_timeout = 3.5
            max_pending_acks = 100
            duplicate_window = 600
            max_age = 86400
            max_bytes = 1000000
            discard = "new"
            [cluster]
            name = "vn-1"
            claim_lease = 30
            """)
        let nats = try #require(settings.pipeline.nats)
        #expect(nats.servers == ["nats://a:4222", "tls://b:4443"] && nats.stream == "NEWS")
        #expect(nats.subject == "news.vn.articles" && nats.token == "t0ken")
        #expect(nats.connectTimeoutSeconds == 2 && nats.ackTimeoutSeconds == 3.5 && nats.maxPendingAcks == 100)
        #expect(nats.duplicateWindowSeconds == 600 && nats.maxAgeSeconds == 86400 && nats.maxBytes == 1_000_000)
        #expect(nats.discard == .new && !settings.pipeline.recordsToFile)
        #expect(
            settings.cluster
                == {
                    var c = ClusterSettings(name: "vn-1"); c.claimLeaseSeconds = 30; return c
                }())

        let defaults = try parse("[output.nats]\nservers = [\"127.0.0.1:4222\"]")
        #expect(
            defaults.pipeline.nats?.stream == "NEWSINGEST" && defaults.pipeline.nats?.subject == "newsingest.articles")
        #expect(defaults.pipeline.nats?.duplicateWindowSeconds == 120 && defaults.pipeline.recordsToFile)
        #expect(try parse("").pipeline.nats == nil && parse("").cluster == nil)
    }

    @Test(arguments: [
        (
            "[output.nats]\nstream = \"S\"",
            "test.toml: output.nats.servers: is required: the NATS servers, as [\"nats://127.0.0.1:4222\"]"
        ),
        (
            "[output.nats]\nservers = [\"http://a:4222\"]",
            "test.toml:2: output.nats.servers = \"http://a:4222\": each must be a nats://, tls:// URL or host:port"
        ),
        (
            "[output.nats]\nservers = [\"a:1\"]\nsubject = \"news.*\"",
            "test.toml:3: output.nats.subject = \"news.*\": must be dot-separated tokens of printable ASCII, without spaces, * or >"
        ),
        (
            "[output.nats]\nservers = [\"a:1\"]\nstream = \"news stream\"",
            "test.toml:3: output.nats.stream = \"news stream\": must be letters, digits, - and _ (at most 64)"
        ),
        (
            "[output.nats]\nservers = [\"a:1\"]\ndiscard = \"oldest\"",
            "test.toml:3: output.nats.discard = \"oldest\": must be one of old, new"
        ),
        (
            "[output.nats]\nservers = [\"a:1\"]\nmax_age = 60\nduplicate_window = 120",
            "test.toml:4: output.nats.duplicate_window: must not be longer than max_age (60.0 s)"
        ),
        (
            "[output.nats]\nservers = [\"a:1\"]\ncredentials = \"/nonexistent.creds\"",
            "test.toml:3: output.nats.credentials = \"/nonexistent.creds\": no such file"
        ),
        (
            "[output.nats]\nservers = [\"a:1\"]\nack_timout = 1",
            "test.toml:3: output.nats.ack_timout: unknown key (known here: ack_timeout, ca_file, connect_timeout, "
                + "credentials, discard, duplicate_window, max_age, max_bytes, max_pending_acks, nkey_seed, servers, "
                + "stream, subject, token)"
        ),
        (
            "[output]\njsonl = false",
            "test.toml:2: output.jsonl = false: records must go somewhere: set [output.nats] too"
        ),
        (
            "[cluster]\nname = \"c\"",
            "test.toml:2: cluster.name = \"c\": a cluster shares its claims through NATS: set [output.nats] too"
        ),
        (
            "[output.nats]\nservers = [\"a:1\"]\n[cluster]\nname = \"c\"\nclaim_lease = 0",
            "test.toml:5: cluster.claim_lease = 0: must be between 1 and 86400 seconds"
        ),
    ])
    func mistakesAreNamedByTheirKey(text: String, message: String) {
        #expect(throws: ConfigurationError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func subjectsAndNames() {
        for subject in ["a", "news.articles", "news.vn-1.x_y"] { #expect(NATSSettings.isPublishableSubject(subject)) }
        for subject in ["", ".a", "a.", "a..b", "a b", "a.*", "a.>", "tin.tức"] {
            #expect(!NATSSettings.isPublishableSubject(subject), "\(subject)")
        }
        #expect(
            NATSSettings.isValidName("NEWS_1-a") && !NATSSettings.isValidName("a.b") && !NATSSettings.isValidName(""))
        #expect(!NATSSettings.isValidName(String(repeating: "x", count: 65)))
    }

    @Test func streamSubjectFiltersMatchAsTheServerDoes() {
        let cases: [(String, String, Bool)] = [
            ("news.articles", "news.articles", true), ("news.*", "news.articles", true),
            ("news.>", "news.articles.vn", true), (">", "news", true), ("news.*", "news.a.b", false),
            ("news.>", "news", false), ("news.articles", "news.article", false), ("*.articles", "news.articles", true),
        ]
        for (filter, subject, matches) in cases {
            #expect(NATSStream.filter(filter, matches: subject) == matches, "\(filter) ~ \(subject)")
        }
    }

    @Test func theStreamAndTheClusterAppearInTheMetricsOnlyWhenConfigured() {
        var snapshot = MetricsSnapshot()
        #expect(!snapshot.text.contains("newsingest_stream_") && !snapshot.text.contains("newsingest_cluster_"))
        var stream = StreamStatus()
        (stream.published, stream.acknowledged, stream.duplicates, stream.pendingAcks) = (10, 9, 2, 1)
        stream.isConnected = false
        snapshot.stream = stream
        snapshot.clusterClaims = ["won": 5, "takenOver": 1]
        let text = snapshot.text
        for line in [
            "newsingest_stream_published_total 10", "newsingest_stream_acknowledged_total 9",
            "newsingest_stream_duplicates_total 2", "newsingest_stream_pending_acks 1", "newsingest_stream_connected 0",
            "newsingest_cluster_claims_total{outcome=\"won\"} 5",
            "newsingest_cluster_claims_total{outcome=\"taken_over\"} 1",
            "newsingest_cluster_claims_total{outcome=\"held_elsewhere\"} 0",
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
    }
}
