import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// The JetStream sink against a real `nats-server` on 127.0.0.1 (started by each test with a store of its
/// own): records in the stream exactly once with the JSONL output or without it, across `SIGKILL`s of the
/// daemon, kills of the server, and outages longer than the stream's duplicate window.
@Suite(.enabled(if: TestNATSServer.isAvailable, "nats-server is not installed (make deps installs it)"))
struct JetStreamSinkTests {
    /// A workspace whose daemon publishes into `server`'s stream `TEST` (with `extra` lines in
    /// `[output.nats]`, and `output` lines in `[output]`).
    static func workspace(server: TestNATSServer, extra: String = "", output: String = "") throws -> Workspace {
        var workspace = try Workspace()
        let path = workspace.temporary.path("nats.toml")
        let configuration = """
            [output]
            \(output)
            [output.nats]
            servers = ["\(server.url)"]
            stream = "TEST"
            subject = "test.articles"
            ack_timeout = 5
            \(extra)
            """
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: path))
        workspace.extraArguments = ["--config", path]
        return workspace
    }

    /// Writes `count` seed-like articles (and `bad` undecodable files) into the workspace.
    static func writeArticles(_ count: Int, bad: Int = 0, into workspace: Workspace, seed: UInt64 = 42) throws
        -> Set<String>
    {
        let articles = ArticleGenerator.seedLikeArticles(count, seed: seed)
        for (index, bytes) in articles.enumerated() {
            try workspace.write(String(format: "%05d_%016x.txt", index, index), bytes)
        }
        for index in 0..<bad { try workspace.write(String(format: "bad_%03d.txt", index), [0x00, 0x01, 0x02]) }
        return Set(articles.map { Data($0).base64EncodedString() })
    }

    /// The ids of the records in `messages`, checking that each message holds a whole record whose id is its
    /// message id.
    static func recordIDs(_ messages: [TestNATSServer.StoredMessage]) -> [String] {
        messages.compactMap { message in
            let object = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any]
            let id = object?["id"] as? String
            #expect(id != nil && id == message.messageID, "message \(message.sequence) is a record under its id")
            return id
        }
    }

    @Test func recordsGoIntoTheStreamAndTheOutputOnceAndTailPrintsThem() throws {
        let server = try TestNATSServer()
        let workspace = try Self.workspace(server: server)
        let distinct = try Self.writeArticles(40, bad: 3, into: workspace).count
        let daemon = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 120) {
                ((try? server.messages(of: "TEST").count) ?? 0) >= distinct && workspace.records().count >= distinct
                    && workspace.errorRecords().count >= 3
            }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(daemon.log.contains("made the JetStream stream"), "\(daemon.log)")
        let ids = Self.recordIDs(try server.messages(of: "TEST"))
        #expect(ids.count == distinct && Set(ids).count == distinct)
        #expect(Set(ids) == Set(workspace.records().compactMap { $0["id"] as? String }))

        let tail = try BinaryRunner().run([
            "tail", "--nats-url", server.url, "--nats-stream", "TEST", "--from-start", "--no-follow",
        ])
        #expect(tail.status == 0, "\(tail.error)")
        let printed = tail.output.split(separator: 0x0A).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])?["id"] as? String
        }
        #expect(printed == ids, "tail prints every record, one line each, in the stream's order")

        // A durable consumer keeps its place: a second run has nothing more to print.
        let durable = ["tail", "--nats-url", server.url, "--nats-stream", "TEST", "--durable", "reader", "--no-follow"]
        let first = try BinaryRunner().run(durable + ["--from-start"])
        #expect(first.status == 0 && first.output.split(separator: 0x0A).count == ids.count, "\(first.error)")
        let second = try BinaryRunner().run(durable)
        #expect(second.status == 0 && second.output.isEmpty, "\(second.error)")

        // A restart publishes nothing again.
        let again = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { again.log.contains("backlog scanned") }, "\(again.log)")
        #expect(again.stop() == 0)
        #expect(try server.messages(of: "TEST").count == distinct)
    }

    @Test(arguments: [true, false])
    func killedTwentyTimesWhileIngestingEveryArticleIsInTheStreamOnce(withJSONL: Bool) throws {
        let server = try TestNATSServer()
        let workspace = try Self.workspace(server: server, output: withJSONL ? "" : "jsonl = false")
        let expected = try Self.writeArticles(3_000, bad: 20, into: workspace).count
        let binary = BinaryRunner().binary
        var random = SplitMix64(seed: 2027)
        var kills = 0
        for _ in 0..<22 {
            let daemon = try DaemonProcess(binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
            usleep(UInt32(50_000 + random.next() % 400_000))
            if daemon.stop(signal: SIGKILL) == 128 + SIGKILL { kills += 1 }
        }
        #expect(kills >= 20)
        let final = try DaemonProcess(binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 600) {
                ((try? server.messages(of: "TEST").count) ?? 0) >= expected
                    && workspace.errorRecords().count >= 20
                    && (!withJSONL || workspace.records().count >= expected)
            }, "\(final.log)")
        #expect(final.stop() == 0)
        let ids = Self.recordIDs(try server.messages(of: "TEST"))
        #expect(ids.count == expected, "every article in the stream, none twice")
        #expect(Set(ids).count == expected)
        if withJSONL {
            let fileIDs = workspace.records().compactMap { $0["id"] as? String }
            #expect(fileIDs.count == expected && Set(fileIDs) == Set(ids))
        } else {
            #expect(workspace.records().isEmpty)
        }
        #expect(workspace.errorRecords().count == 20)
    }

    /// The server killed twice while the daemon ingests, and the daemon restarted once while the server is
    /// down: the daemon waits (one line per outage, one on recovery), and every article is in the stream once.
    @Test func serverKilledTwiceAndTheDaemonRestartedMeanwhileNothingIsLostOrDuplicated() throws {
        let server = try TestNATSServer()
        let workspace = try Self.workspace(server: server)
        let expected = try Self.writeArticles(3_000, into: workspace).count
        let binary = BinaryRunner().binary
        func stored() -> Int { (try? server.messages(of: "TEST").count) ?? 0 }
        var daemon = try DaemonProcess(
            binary: binary, arguments: workspace.arguments + ["--metrics-address", "127.0.0.1:0"],
            in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { MetricsServerTests.port(in: daemon.log) != nil }, "\(daemon.log)")
        let port = try #require(MetricsServerTests.port(in: daemon.log))
        func metric(_ name: String) -> String? {
            MetricsServerTests.sample(
                "newsingest_stream_" + name, in: RawHTTPRequest.get("/metrics", port: port)?.body ?? "")
        }
        for round in 0..<2 {
            let before = stored()
            #expect(Wait.until(seconds: 120) { stored() > before + 200 }, "\(daemon.log)")
            server.kill()
            #expect(Wait.until(seconds: 60) { daemon.log.contains("lost the connection to NATS") }, "\(daemon.log)")
            if round == 0 {
                #expect(metric("connected") == "0")
                #expect(
                    Wait.until(seconds: 30) { Int(metric("pending_acks") ?? "") ?? 0 > 0 },
                    "records wait for their acknowledgements")
            }
            if round == 1 {
                // Restarted while the server is down: it cannot start, and systemd would start it again.
                #expect(daemon.stop(signal: SIGKILL) == 128 + SIGKILL)
                let failed = try DaemonProcess(
                    binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
                #expect(failed.stop(signal: 0, within: 60) == 1, "\(failed.log)")
                #expect(failed.log.contains("cannot start"), "\(failed.log)")
            }
            usleep(1_500_000)
            try server.start()
            if round == 1 {
                daemon = try DaemonProcess(binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
            } else {
                #expect(Wait.until(seconds: 60) { daemon.log.contains("reconnected to NATS") }, "\(daemon.log)")
                // One line for the outage, one for the return, one for the commit that waited.
                #expect(daemon.log.components(separatedBy: "lost the connection to NATS").count == 2, "\(daemon.log)")
                #expect(daemon.log.components(separatedBy: " error newsingest:").count <= 2, "\(daemon.log)")
                #expect(metric("connected") == "1" && metric("reconnects_total") == "1")
            }
        }
        #expect(
            Wait.until(seconds: 600) { stored() >= expected && workspace.records().count >= expected }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let ids = Self.recordIDs(try server.messages(of: "TEST"))
        #expect(ids.count == expected && Set(ids).count == expected)
        let fileIDs = workspace.records().compactMap { $0["id"] as? String }
        #expect(fileIDs.count == expected && Set(fileIDs) == Set(ids))
    }

    /// Published and acknowledged but not committed (the commit waits for an interval of 60 s), then killed:
    /// restarted after the stream's duplicate window (1 s) passed, the daemon finds the records in the stream
    /// and publishes none again.
    /// `output`: `file` (the JSONL file beside the stream), `none` (the stream alone), `device` (records to
    /// `/dev/null` beside the stream: nothing to read back at the restart).
    @Test(arguments: ["file", "none", "device"])
    func aRestartAfterTheDuplicateWindowPublishesNothingAgain(output: String) throws {
        let server = try TestNATSServer()
        let withJSONL = output == "file"
        var workspace = try Self.workspace(
            server: server, extra: "duplicate_window = 1",
            output: "fsync = \"interval\"\nfsync_interval = 60\n" + (output == "none" ? "jsonl = false" : ""))
        if output == "device" { workspace.extraArguments += ["--output", "/dev/null"] }
        let expected = try Self.writeArticles(200, into: workspace).count
        let binary = BinaryRunner().binary
        let first = try DaemonProcess(binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 120) { ((try? server.messages(of: "TEST").count) ?? 0) >= expected }, "\(first.log)")
        #expect(first.stop(signal: SIGKILL) == 128 + SIGKILL)
        usleep(2_500_000)  // past the duplicate window: the server would no longer catch a second publication

        let second = try DaemonProcess(binary: binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 120) { second.log.contains("backlog scanned") }, "\(second.log)")
        #expect(second.stop() == 0)
        #expect(second.log.contains("found_in_stream=\(expected)"), "\(second.log)")
        let ids = Self.recordIDs(try server.messages(of: "TEST"))
        #expect(ids.count == expected && Set(ids).count == expected)
        if withJSONL {
            #expect(workspace.records().compactMap { $0["id"] as? String }.count == expected)
        }
    }

    /// A stream full under `discard = "new"` refuses records: each becomes an error record (`refused`) and
    /// the daemon goes on.
    @Test func recordsAFullStreamRefusesBecomeErrorRecords() throws {
        let server = try TestNATSServer()
        let workspace = try Self.workspace(
            server: server, extra: "max_bytes = 60000\ndiscard = \"new\"", output: "jsonl = false")
        let expected = try Self.writeArticles(60, into: workspace).count
        let daemon = try DaemonProcess(
            binary: BinaryRunner().binary, arguments: workspace.arguments, in: workspace.temporary.url)
        func refused() -> Int { workspace.errorRecords().filter { $0["code"] as? String == "refused" }.count }
        #expect(
            Wait.until(seconds: 120) { ((try? server.messages(of: "TEST").count) ?? 0) + refused() >= expected },
            "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let stored = try server.messages(of: "TEST").count
        #expect(server.messageCount(of: "TEST") == stored, "the stream's own count agrees with the messages read")
        #expect(stored > 0 && refused() > 0 && stored + refused() == expected, "stored \(stored), refused \(refused())")
        #expect(daemon.log.contains("the stream refused a record"), "\(daemon.log)")
        // Alone, the stream's refusals are failures; the JSONL file is not written.
        #expect(workspace.records().isEmpty)
        #expect(daemon.log.contains("emitted=\(stored) failed=\(refused())"), "\(daemon.log)")
    }

    @Test func badStreamSettingsAndCredentialsExitWithAConfigurationError() throws {
        let server = try TestNATSServer()
        let workspace = try Self.workspace(server: server)
        let runner = BinaryRunner()
        // The stream made with a duplicate window of 120 s; a configuration asking 60 s is told so.
        let first = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments, in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { first.log.contains("watching") }, "\(first.log)")
        #expect(first.stop() == 0)
        let other = try Self.workspace(server: server, extra: "duplicate_window = 60")
        let mismatch = try runner.run(other.arguments, timeLimit: 60)
        #expect(mismatch.status == 78, "\(mismatch.error)")
        #expect(mismatch.error.contains("output.nats.duplicate_window"), "\(mismatch.error)")
        let otherSubject = try runner.run(
            workspace.arguments + ["--nats-stream", "TEST", "--nats-subject", "elsewhere"], timeLimit: 60)
        #expect(
            otherSubject.status == 78 && otherSubject.error.contains("output.nats.subject"), "\(otherSubject.error)")
        // A new stream on a subject another stream takes.
        let overlapping = try runner.run(workspace.arguments + ["--nats-stream", "OTHER"], timeLimit: 60)
        #expect(
            overlapping.status == 78 && overlapping.error.contains("another stream already takes test.articles"),
            "\(overlapping.error)")

        let guarded = try TestNATSServer(arguments: ["--auth", "right-token"])
        let wrongToken = try Self.workspace(server: guarded, extra: "token = \"wrong-token\"")
        let refused = try runner.run(wrongToken.arguments, timeLimit: 60)
        #expect(refused.status == 78, "\(refused.error)")
        #expect(refused.error.lowercased().contains("auth"), "\(refused.error)")

        // TLS: a server whose certificate the configured CA vouches for is used; without the CA, the
        // certificate cannot be verified and the start stops (78).
        let secure = try TestNATSServer(tls: true)
        let certificate = try #require(secure.certificate)
        let trusted = try Self.workspace(server: secure, extra: "ca_file = \"\(certificate)\"")
        try trusted.write("a.txt", ArticleGenerator.seedLikeArticles(1, seed: 5)[0])
        let overTLS = try DaemonProcess(
            binary: runner.binary, arguments: trusted.arguments, in: trusted.temporary.url)
        #expect(Wait.until(seconds: 60) { secure.messageCount(of: "TEST") == 1 }, "\(overTLS.log)")
        #expect(overTLS.stop() == 0)
        let withoutCA = try Self.workspace(server: secure)
        let untrusted = try runner.run(withoutCA.arguments, timeLimit: 60)
        #expect(untrusted.status == 78 && untrusted.error.contains("SSL"), "\(untrusted.error)")

        let unreachable = try Self.workspace(server: server)
        server.kill()
        let down = try runner.run(unreachable.arguments, timeLimit: 60)
        #expect(down.status == 1, "\(down.error)")
        #expect(down.error.contains("cannot start") && down.error.contains(server.url), "\(down.error)")

        let noServers = try runner.run(["run", "--watch", ".", "--nats-stream", "X"], timeLimit: 60)
        #expect(noServers.status == 78 && noServers.error.contains("--nats-stream"), "\(noServers.error)")
    }
}
