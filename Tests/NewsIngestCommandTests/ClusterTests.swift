import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// Two daemons of one cluster on one index, with a real `nats-server` holding the claims and the stream, and
/// a local HTTP server logging every request: each link fetched once between them, each article in the
/// stream once; one daemon killed half-way, the other finishes.
@Suite(.enabled(if: TestNATSServer.isAvailable, "nats-server is not installed (make deps installs it)"))
struct ClusterTests {
    /// A workspace for one daemon of cluster `news` polling `index` and publishing into `server`'s stream.
    static func member(index: String, server: TestNATSServer, lease: Double) throws -> Workspace {
        var workspace = try Workspace()
        let path = workspace.temporary.path("cluster.toml")
        try Data(
            """
            [source]
            max_transfers = 2
            max_per_host = 2
            [[source.url]]
            url = "\(index)"
            kind = "index"
            interval = 0.5
            [output.nats]
            servers = ["\(server.url)"]
            stream = "TEST"
            [cluster]
            name = "news"
            claim_lease = \(lease)
            """.utf8
        ).write(to: URL(fileURLWithPath: path))
        workspace.extraArguments = ["--config", path]
        return workspace
    }

    /// How often each article link was asked for.
    static func fetchesPerLink(_ server: TestHTTPServer) -> [String: Int] {
        var counts: [String: Int] = [:]
        for path in server.paths() where path.hasPrefix("/news/") { counts[path, default: 0] += 1 }
        return counts
    }

    static func storedIDs(_ nats: TestNATSServer) throws -> [String] {
        JetStreamSinkTests.recordIDs(try nats.messages(of: "TEST"))
    }

    @Test func twoDaemonsOfOneClusterFetchEachLinkOnceBetweenThem() throws {
        let (nats, web, articles, members) = try Self.cluster(seed: 707, lease: 60)
        let expected = Set(articles).count
        let daemons = try members.map {
            try DaemonProcess(binary: BinaryRunner().binary, arguments: $0.arguments, in: $0.temporary.url)
        }
        #expect(
            Wait.until(seconds: 600) { ((try? nats.messages(of: "TEST").count) ?? 0) >= expected },
            "\(daemons[0].log)\n\(daemons[1].log)")
        // A few more polls by each, which must fetch nothing more.
        let polls = web.paths().filter { $0 == "/news.txt" }.count
        #expect(Wait.until(seconds: 60) { web.paths().filter { $0 == "/news.txt" }.count >= polls + 4 })
        for daemon in daemons { #expect(daemon.stop() == 0) }

        let fetches = Self.fetchesPerLink(web)
        #expect(fetches.count == articles.count, "every link fetched")
        #expect(fetches.values.allSatisfy { $0 == 1 }, "no link fetched twice: \(fetches.filter { $0.value > 1 })")
        let ids = try Self.storedIDs(nats)
        #expect(ids.count == expected && Set(ids).count == expected)
        let shares = members.map { $0.records().count }
        #expect(shares.allSatisfy { $0 > 0 } && shares.reduce(0, +) == expected, "the work is shared: \(shares)")
    }

    /// One daemon killed half-way: its claims lapse after the lease (3 s) and the other fetches the rest.
    /// Only links the killed one held when it died (running, or written and not yet committed) may be fetched
    /// twice, by the survivor taking their claims over; the stream holds each article once (the second
    /// publication has the first one's id).
    @Test func whenOneDaemonDiesTheOtherFinishesItsLinks() throws {
        let (nats, web, articles, members) = try Self.cluster(seed: 709, lease: 3)
        let expected = Set(articles).count
        let binary = BinaryRunner().binary
        let doomed = try DaemonProcess(binary: binary, arguments: members[0].arguments, in: members[0].temporary.url)
        let survivor = try DaemonProcess(
            binary: binary, arguments: members[1].arguments, in: members[1].temporary.url)
        #expect(Wait.until(seconds: 300) { ((try? nats.messages(of: "TEST").count) ?? 0) >= expected / 2 })
        #expect(doomed.stop(signal: SIGKILL) == 128 + SIGKILL)
        #expect(
            Wait.until(seconds: 600) { ((try? nats.messages(of: "TEST").count) ?? 0) >= expected }, "\(survivor.log)")
        #expect(survivor.stop() == 0)

        let fetches = Self.fetchesPerLink(web)
        #expect(fetches.count == articles.count, "every link fetched")
        let twice = fetches.filter { $0.value > 1 }
        // Only links whose claim the killed daemon held (fetched, or fetched and not yet committed, when it
        // died), taken over once the lease ran out, each fetched twice at most.
        let takenOver = Set(
            survivor.log.split(separator: "\n").filter { $0.contains("took over a link") }.compactMap { line in
                line.range(of: "/news/").map { String(line[$0.lowerBound...].prefix { $0 != " " }) }
            })
        #expect(twice.values.allSatisfy { $0 == 2 }, "\(twice)")
        #expect(Set(twice.keys).isSubset(of: takenOver), "fetched twice without a takeover: \(twice.keys.sorted())")
        #expect(takenOver.count <= 64, "the killed daemon held at most its running and uncommitted links")
        let ids = try Self.storedIDs(nats)
        #expect(ids.count == expected && Set(ids).count == expected)
    }

    /// A configured article polled every 0.5 s by two daemons of one cluster: one request per interval
    /// between them, not one each.
    @Test func aConfiguredArticleIsPolledByOneDaemonInEachInterval() throws {
        let nats = try TestNATSServer()
        let web = try TestHTTPServer()
        try web.serve("article.txt", ArticleGenerator.seedLikeArticles(1, seed: 711)[0])
        let members = try (0..<2).map { _ in
            var workspace = try Workspace()
            let path = workspace.temporary.path("cluster.toml")
            try Data(
                """
                [[source.url]]
                url = "\(web.url("article.txt"))"
                interval = 0.5
                [output.nats]
                servers = ["\(nats.url)"]
                stream = "TEST"
                [cluster]
                name = "news"
                """.utf8
            ).write(to: URL(fileURLWithPath: path))
            workspace.extraArguments = ["--config", path]
            return workspace
        }
        let start = Date()
        let daemons = try members.map {
            try DaemonProcess(binary: BinaryRunner().binary, arguments: $0.arguments, in: $0.temporary.url)
        }
        #expect(Wait.until(seconds: 60) { web.paths().filter { $0 == "/article.txt" }.count >= 8 })
        for daemon in daemons { #expect(daemon.stop() == 0) }
        let polls = web.paths().filter { $0 == "/article.txt" }.count
        let intervals = Date().timeIntervalSince(start) / 0.5
        #expect(Double(polls) <= intervals + 2, "\(polls) polls in \(intervals) intervals")
        #expect(try nats.messages(of: "TEST").count == 1)
    }

    /// A NATS server, a web server serving an index of 2 000 articles made from `seed`, and the workspaces of
    /// two daemons of one cluster polling it with claims of `lease` seconds.
    static func cluster(seed: UInt64, lease: Double) throws -> (
        TestNATSServer, TestHTTPServer, [[UInt8]], [Workspace]
    ) {
        let nats = try TestNATSServer()
        let web = try TestHTTPServer()
        let articles = ArticleGenerator.seedLikeArticles(2_000, seed: seed)
        let index = try serve(articles, on: web)
        let members = try (0..<2).map { _ in try member(index: index, server: nats, lease: lease) }
        return (nats, web, articles, members)
    }

    /// Serves `articles` at `/news/N.txt` and an index listing them at `/news.txt`; returns the index's URL.
    static func serve(_ articles: [[UInt8]], on server: TestHTTPServer) throws -> String {
        for (index, bytes) in articles.enumerated() { try server.serve("news/\(index).txt", bytes) }
        try server.serve(
            "news.txt", Array(articles.indices.map { server.url("news/\($0).txt") + "\n" }.joined().utf8))
        return server.url("news.txt")
    }
}
