import ArticleFixtures
import Foundation
import Synchronization
import TestSupport
import Testing

/// URL sources against a real HTTP server on 127.0.0.1: polling with conditional requests, every kind of
/// index, and servers that fail in every way, while directory ingestion carries on.
@Suite struct URLSourceTests {
    let runner = BinaryRunner()

    /// A configuration polling `entries` (`(url, kind, extra lines)`) every half second.
    func configuration(_ workspace: Workspace, _ entries: [(String, String, String)]) throws -> String {
        let text = entries.map { url, kind, extra in
            "[[source.url]]\nurl = \"\(url)\"\nkind = \"\(kind)\"\ninterval = 0.5\n\(extra)\n"
        }.joined()
        let path = workspace.temporary.path("urls-\(UUID()).toml")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func start(_ workspace: Workspace, config: String) throws -> DaemonProcess {
        try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--config", config], in: workspace.temporary.url)
    }

    func errors(_ workspace: Workspace) -> [[String: Any]] {
        Workspace.lines(of: workspace.errors).compactMap {
            try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
        }
    }

    @Test func anArticleURLIsPolledConditionallyAndEmitsOnlyWhatChanged() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let seeds = try RepositoryFiles.seedNames.map { try RepositoryFiles.seed($0) }
        try server.serve("a.txt", seeds[1])
        let config = try configuration(workspace, [(server.url("a.txt"), "article", "")])
        let daemon = try start(workspace, config: config)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        let source = try #require(workspace.records().first?["source"] as? [String: Any])
        #expect(source["type"] as? String == "url" && source["url"] as? String == server.url("a.txt"))
        #expect(source["status"] as? Int == 200 && source["etag"] is String && source["fetched_at"] is String)

        // Unchanged: conditional requests, answered 304, emit nothing.
        #expect(
            Wait.until(seconds: 60) {
                server.requests.filter { $0.hasPrefix("GET /a.txt \"") }.count >= 2
            }, "\(server.requests)")
        #expect(workspace.records().count == 1)

        // Changed: a new record. Directory ingestion goes on beside it.
        try server.serve("a.txt", seeds[0])
        try workspace.write("local.txt", ArticleGenerator.seedLikeArticles(1, seed: 501)[0])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)

        // A restart asks conditionally at once and emits nothing new.
        let before = server.requests.count
        let again = try start(workspace, config: config)
        #expect(
            Wait.until(seconds: 60) {
                server.requests.dropFirst(before).contains { $0.hasPrefix("GET /a.txt \"") }
            }, "\(server.requests)")
        #expect(again.stop() == 0)
        #expect(workspace.records().count == 3)
    }

    @Test func everyKindOfIndexYieldsEachArticleOnceAndNewOnesLater() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(5, seed: 502)
        for (index, bytes) in articles.enumerated() { try server.serve("news/\(index + 1).txt", bytes) }
        try server.serve(
            "news/index.html",
            Array("<html><a href=\"1.txt\">1</a> <a href='2.txt'>2</a> <a href=\"../\">up</a></html>".utf8))
        try server.serve(
            "feed.rss",
            Array(
                "<rss><channel><link>\(server.url("/"))</link><item><link>\(server.url("news/3.txt"))</link></item></channel></rss>"
                    .utf8))
        try server.serve(
            "feed.atom", Array("<feed><entry><link href=\"\(server.url("news/2.txt"))\"/></entry></feed>".utf8))
        try server.serve(
            "sitemap.xml", Array("<urlset><url><loc>\(server.url("news/4.txt"))</loc></url></urlset>".utf8))
        try server.serve("list.txt", Array("# a plain list\n\(server.url("news/1.txt"))\n/news/3.txt\n".utf8))
        try server.serve(
            "sitemap2.xml", Array("<urlset><url><loc>\(server.url("news/3.txt"))</loc></url></urlset>".utf8))
        let config = try configuration(
            workspace,
            [
                (server.url("news/index.html"), "index", "include = [\"*.txt\"]"),
                (server.url("feed.rss"), "index", ""),
                (server.url("feed.atom"), "index", ""), (server.url("sitemap.xml"), "index", ""),
                (server.url("list.txt"), "index", ""),
                (server.url("gz/sitemap2.xml"), "index", ""),  // a sitemap.xml.gz
            ])
        let daemon = try start(workspace, config: config)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 4 }, "\(daemon.log)")

        // A new article in the index is taken at the next poll.
        try server.serve(
            "news/index.html", Array("<a href=\"1.txt\">1</a><a href=\"2.txt\">2</a><a href=\"5.txt\">5</a>".utf8))
        #expect(Wait.until(seconds: 60) { workspace.records().count == 5 }, "\(daemon.log)")
        // Unchanged indexes are asked conditionally (304), and no article is fetched twice.
        #expect(
            Wait.until(seconds: 60) { server.requests.contains { $0.hasPrefix("GET /sitemap.xml \"") } },
            "\(server.requests)")
        #expect(daemon.stop() == 0)
        let ids = workspace.records().compactMap { $0["id"] as? String }
        #expect(ids.count == 5 && Set(ids).count == 5)
        #expect(server.requests.filter { $0.hasPrefix("GET /news/1.txt ") }.count == 1, "\(server.requests)")
    }

    /// Serves `articles` as `name/N.txt` and a plain list of links to them all as `name.txt`.
    /// - Returns: the path of a configuration polling that index every half second with `max_transfers = 2`
    ///   (eight links fetched, parsed or waiting for the writer at a time).
    func serveIndex(
        _ name: String, of articles: [[UInt8]], on server: TestHTTPServer, for workspace: Workspace
    ) throws -> String {
        for (index, bytes) in articles.enumerated() { try server.serve("\(name)/\(index).txt", bytes) }
        try server.serve(
            "\(name).txt", Array(articles.indices.map { server.url("\(name)/\($0).txt") + "\n" }.joined().utf8))
        let config = workspace.temporary.path("\(name).toml")
        try Data(
            """
            [source]
            max_transfers = 2
            max_per_host = 2
            [[source.url]]
            url = "\(server.url("\(name).txt"))"
            kind = "index"
            interval = 0.5
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        return config
    }

    /// An index listing many more links than may be in flight at once yields every article once, each fetched
    /// once (not again by a poll between its parse and its commit), and its own validators are committed after
    /// them all.
    @Test func anIndexOfManyLinksIsTakenAFewAtATimeEachOnce() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(60, seed: 511)
        let config = try serveIndex("many", of: articles, on: server, for: workspace)
        let daemon = try start(workspace, config: config)
        let distinct = Set(articles).count
        #expect(Wait.until(seconds: 120) { workspace.records().count == distinct }, "\(daemon.log)")
        #expect(
            Wait.until(seconds: 60) { server.requests.contains { $0.hasPrefix("GET /many.txt \"") } },
            "the index was never asked conditionally: \(server.requests)")
        #expect(daemon.stop() == 0)
        let ids = workspace.records().compactMap { $0["id"] as? String }
        #expect(ids.count == distinct && Set(ids).count == distinct)
        for index in articles.indices {
            #expect(server.requests.filter { $0.hasPrefix("GET /many/\(index).txt ") }.count == 1)
        }
        // The state holds each link once, and validators for the polled index only.
        let state = try StateFile(directory: workspace.temporary.path("out/state"))
        #expect(try state.rowCount(of: "links") == articles.count)
        #expect(try state.rowCount(of: "urls") == 1)
    }

    @Test func aStalledOutputStopsAnIndexsLinksFromPilingUpInMemory() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(200, seed: 523)
        let config = try serveIndex("stalled", of: articles, on: server, for: workspace)
        // Records go to a pipe nobody reads yet: once its 64 KiB are full, the writer's `write` blocks.
        let output = Pipe()
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--config", config, "--output", "-"],
            in: workspace.temporary.url, standardOutput: output)
        func fetched() -> Int { server.requests.filter { $0.hasPrefix("GET /stalled/") }.count }
        // Links are fetched only as earlier records are written: a few more than the 4 × 2 running and the
        // dozen records the pipe holds, never the whole index. (Before, each record only had to reach the
        // writer's queue, and all 200 were fetched and held in a few seconds.)
        #expect(!Wait.until(seconds: 10) { fetched() >= articles.count }, "\(daemon.log)")
        #expect(fetched() < 60, "\(daemon.log)")

        // Reading the pipe lets everything through, each article once.
        let lines = PipeLines(output)
        let distinct = Set(articles).count
        #expect(Wait.until(seconds: 120) { lines.count == distinct }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let ids = lines.all.compactMap {
            (try? JSONSerialization.jsonObject(with: $0) as? [String: Any])?["id"] as? String
        }
        #expect(ids.count == distinct && Set(ids).count == distinct)
        #expect(fetched() == articles.count)
    }

    /// The lines written to a pipe, read on a thread of their own from the moment it is created.
    final class PipeLines: Sendable {
        private let lines = Mutex<[Data]>([])

        init(_ pipe: Pipe) {
            Thread { [self] in
                var pending = Data()
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { return }
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: 0x0A) {
                        let line = Data(pending[pending.startIndex..<newline])
                        pending.removeSubrange(pending.startIndex...newline)
                        lines.withLock { $0.append(line) }
                    }
                }
            }
            .start()
        }

        var count: Int { lines.withLock { $0.count } }
        var all: [Data] { lines.withLock { $0 } }
    }

    @Test func aLinkThatFailedForGoodIsNotFetchedAgainBeforeItsFailureIsCommitted() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 527)
        for (index, bytes) in articles.enumerated() { try server.serve("fine/\(index).txt", bytes) }
        let links = articles.indices.map { server.url("fine/\($0).txt") } + [server.url("status/404")]
        try server.serve("failing.txt", Array(links.map { $0 + "\n" }.joined().utf8))
        // Written at once, committed only at the sync every 8 s: the link's failure (404, final) waits that
        // long for its commit while the index is polled every 0.3 s.
        let config = workspace.temporary.path("failing.toml")
        try Data(
            """
            [output]
            fsync = "interval"
            fsync_interval = 8
            [[source.url]]
            url = "\(server.url("failing.txt"))"
            kind = "index"
            interval = 0.3
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        let daemon = try start(workspace, config: config)
        func failedFetches() -> Int { server.requests.filter { $0.hasPrefix("GET /status/404 ") }.count }
        #expect(Wait.until(seconds: 60) { errors(workspace).count == 1 }, "\(daemon.log)")
        // The index's validators wait for every link, so each poll fetches it again and looks at its links;
        // the failed one must not be fetched again. (Before, a link counted as settled as soon as its failure
        // was handed to the writer: each poll fetched it and logged it once more.)
        let polls = { server.requests.filter { $0.hasPrefix("GET /failing.txt ") }.count }
        let pollsAtFailure = polls()
        #expect(Wait.until(seconds: 60) { polls() >= pollsAtFailure + 5 }, "\(daemon.log)")
        #expect(failedFetches() == 1)
        #expect(errors(workspace).count == 1)
        // Once committed, the index is asked conditionally: every link is taken, the failed one too.
        #expect(
            Wait.until(seconds: 90) { server.requests.contains { $0.hasPrefix("GET /failing.txt \"") } },
            "\(server.requests)")
        #expect(daemon.stop() == 0)
        #expect(failedFetches() == 1)
        #expect(errors(workspace).count == 1)
        #expect(workspace.records().count == Set(articles).count)
    }

    @Test func failingServersAreRetriedOrReportedOnceAndNeverStallDirectories() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(4, seed: 503)
        for (index, bytes) in articles.enumerated() { try server.serve("\(index).txt", bytes) }
        let config = try configuration(
            workspace,
            [
                (server.url("status/404"), "article", ""),
                (server.url("flaky/2/0.txt"), "article", ""),
                (server.url("busy/1/1.txt"), "article", ""),
                (server.url("reset/1/2.txt"), "article", ""),
                (server.url("big/300000"), "article", "max_bytes = 100000"),
                (server.url("bomb"), "article", "max_bytes = 1000000"),
                (server.url("to-file"), "article", ""),
                (server.url("loop"), "article", ""),
                (server.url("stall"), "article", "timeout = 1"),
                (server.url("trickle"), "article", "timeout = 2"),
                (server.url("big-header/1000000"), "article", ""),
                (server.url("many-headers/100"), "article", ""),
            ])
        let daemon = try start(workspace, config: config)
        // Directory ingestion is not held up by any of it.
        try workspace.write("local.txt", articles[3])
        #expect(
            Wait.until(seconds: 60) {
                workspace.records().contains { ($0["source"] as? [String: Any])?["type"] as? String == "file" }
            }, "\(daemon.log)")
        // 500 twice, 429 with Retry-After, a dropped connection: retried until the article arrives.
        #expect(Wait.until(seconds: 60) { workspace.records().count == 4 }, "\(daemon.log)")
        // The rest are reported, once each, however often they are polled.
        let expected: [String: String] = [
            "status/404": "http_404", "big/300000": "too_large", "bomb": "too_large", "to-file": "redirect",
            "loop": "redirect", "stall": "timeout", "trickle": "timeout", "big-header/1000000": "too_large",
            "many-headers/100": "too_large",
        ]
        #expect(
            Wait.until(seconds: 90) { errors(workspace).count >= expected.count }, "\(errors(workspace)) \(daemon.log)")
        usleep(2_000_000)  // more polls of the same failures
        #expect(daemon.stop() == 0)
        let logged = errors(workspace)
        for (path, code) in expected {
            let lines = logged.filter { $0["path"] as? String == server.url(path) }
            #expect(lines.count == 1, "\(path): \(lines)")
            #expect(lines.first?["code"] as? String == code, "\(path): \(lines)")
        }
        #expect(workspace.records().count == 4)
        #expect(!FileManager.default.fileExists(atPath: workspace.temporary.path("etc/passwd")))
    }

    @Test func aRetryAfterPastTheCapIsClampedAndLogged() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        try server.serve("0.txt", ArticleGenerator.seedLikeArticles(1, seed: 509)[0])
        let path = workspace.temporary.path("retry-after.toml")
        let config = """
            [source]
            max_retry_after = 1
            [[source.url]]
            url = "\(server.url("busy/999999/0.txt"))"
            kind = "article"
            interval = 3600
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: path))
        let daemon = try start(workspace, config: path)
        // Asked to wait eleven days, the daemon waits the cap (a second) and takes the article.
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let clamped = daemon.log.split(separator: "\n").filter { $0.contains("Retry-After beyond") }
        #expect(clamped.count == 1, "\(daemon.log)")
        #expect(clamped.first?.contains("retry_after=999999") == true, "\(clamped)")
        #expect(errors(workspace).isEmpty)
    }

    @Test func theDeclaredCharsetIsHonouredUnlessTheBytesSayOtherwise() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let text = String(decoding: ArticleGenerator.seedLikeArticles(1, seed: 504)[0], as: UTF8.self)
        try server.serve("w.txt", LegacyEncoder.encode(text, as: .windows1258))
        try server.serve(
            "u.txt", Array(String(decoding: ArticleGenerator.seedLikeArticles(1, seed: 505)[0], as: UTF8.self).utf8))
        let config = try configuration(
            workspace,
            [
                (server.url("charset/windows-1258/w.txt"), "article", ""),
                (server.url("charset/windows-1258/u.txt"), "article", ""),  // UTF-8 under a wrong label
            ])
        let daemon = try start(workspace, config: config)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let byURL = Dictionary(
            uniqueKeysWithValues: workspace.records().map {
                (($0["source"] as? [String: Any])?["url"] as? String ?? "", $0)
            })
        let legacy = try #require(byURL[server.url("charset/windows-1258/w.txt")])
        #expect(legacy["encoding"] as? String == "windows-1258")
        #expect((legacy["text"] as? String)?.contains("Việt") == true || (legacy["language"] as? String) == "vi")
        let mislabelled = try #require(byURL[server.url("charset/windows-1258/u.txt")])
        #expect(mislabelled["encoding"] as? String == "utf-8")
        #expect((mislabelled["warnings"] as? [String])?.contains("declared_charset_ignored:windows-1258") == true)
    }

    @Test func anIndexStartingNowTakesOnlyWhatAppearsLater() throws {
        let server = try TestHTTPServer()
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 506)
        for (index, bytes) in articles.enumerated() { try server.serve("\(index).txt", bytes) }
        try server.serve("list.txt", Array("/0.txt\n/1.txt\n".utf8))
        let config = try configuration(workspace, [(server.url("list.txt"), "index", "start_at = \"now\"")])
        let daemon = try start(workspace, config: config)
        #expect(Wait.until(seconds: 60) { daemon.log.contains("index first seen") }, "\(daemon.log)")
        try server.serve("list.txt", Array("/0.txt\n/1.txt\n/2.txt\n".utf8))
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect((workspace.records().first?["source"] as? [String: Any])?["url"] as? String == server.url("2.txt"))
        #expect(!server.requests.contains { $0.hasPrefix("GET /0.txt") })
    }

    @Test func nginxsAutoindexPageIsAnIndex() throws {
        let nginx = try TestNginx()
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 507)
        for (index, bytes) in articles.enumerated() { try nginx.serve("news/00\(index)_article.txt", bytes) }
        let config = try configuration(workspace, [(nginx.baseURL + "/news/", "index", "include = [\"*.txt\"]")])
        let daemon = try start(workspace, config: config)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 3 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let urls = Set(workspace.records().compactMap { ($0["source"] as? [String: Any])?["url"] as? String })
        #expect(urls == Set((0..<3).map { nginx.baseURL + "/news/00\($0)_article.txt" }))
    }

    @Test func aProxyFromTheEnvironmentIsUsed() throws {
        let proxy = try TestHTTPServer()
        let workspace = try Workspace()
        try proxy.serve("a.txt", ArticleGenerator.seedLikeArticles(1, seed: 508)[0])
        // A host that does not resolve: only the proxy can fetch it.
        let config = try configuration(workspace, [("http://news.invalid/a.txt", "article", "")])
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--config", config], in: workspace.temporary.url,
            environment: ["http_proxy": proxy.baseURL, "no_proxy": "", "NO_PROXY": ""])
        #expect(Wait.until(seconds: 60) { workspace.records().count == 1 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        #expect(proxy.requests.contains { $0.hasPrefix("GET http://news.invalid/a.txt ") }, "\(proxy.requests)")
    }
}
