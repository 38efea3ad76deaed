import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// Crawling politely: `robots.txt` (groups, wildcards, `$`, `Allow` over `Disallow`, `Crawl-delay`, a
/// missing file, an unavailable one, one past 500 KiB), pacing per host, and feeds and sitemaps discovered.
@Suite struct CrawlPolicyTests {
    let runner = BinaryRunner()

    /// Serves a distinct article at each of `paths` on `server`.
    func serveArticles(_ server: TestHTTPServer, _ paths: [String], seed: UInt64) throws {
        let articles = ArticleGenerator.seedLikeArticles(paths.count, seed: seed)
        for (path, article) in zip(paths, articles) { try server.serve(path, article) }
    }

    /// Serves `links` (paths on `server`, each a distinct article) and an index listing them.
    func serveIndex(_ server: TestHTTPServer, links: [String], seed: UInt64) throws {
        try serveArticles(server, links, seed: seed)
        try server.serve("index.txt", Array(links.map { server.url($0) }.joined(separator: "\n").utf8))
    }

    /// The gaps, in seconds, between the arrivals of requests for `paths`.
    func gaps(_ server: TestHTTPServer, _ paths: [String]) -> [Double] {
        let times = paths.flatMap { server.arrivals(of: "/" + $0) }.sorted()
        return zip(times.dropFirst(), times).map { $0 - $1 }
    }

    @Test func robotsTxtDecidesWhichLinksAreFetchedAndPacesTheirHost() throws {
        // Our group, with wildcards, `$`, a longer Allow inside a Disallow, and a crawl delay; `*` is shut out.
        let ruled = try TestHTTPServer()
        try ruled.serve(
            "robots.txt",
            Array(
                """
                User-agent: *
                Disallow: /

                User-agent: newsingest
                Disallow: /private/
                Allow: /private/open-
                Disallow: /*.pdf$
                Crawl-delay: 1
                """.utf8))
        let allowed = ["news/a.txt", "news/b.txt", "private/open-1.txt", "files/x.pdf.txt"]
        let disallowed = ["private/secret.txt", "files/x.pdf"]
        try serveIndex(ruled, links: allowed + disallowed, seed: 3001)
        // No robots.txt at all: everything, paced by min_interval_per_host alone.
        let missing = try TestHTTPServer()
        try missing.serve("robots.status", Array("404".utf8))
        let unpaced = ["one.txt", "two.txt", "three.txt"]
        try serveIndex(missing, links: unpaced, seed: 3002)
        // Unavailable: nothing until it answers.
        let unavailable = try TestHTTPServer()
        try unavailable.serve("robots.status", Array("503".utf8))
        try serveIndex(unavailable, links: ["later-1.txt", "later-2.txt"], seed: 3003)
        // Past 500 KiB: only the first 500 KiB count.
        let huge = try TestHTTPServer()
        let padding = String(repeating: "# a comment to pad the file past 500 KiB\n", count: 13_000)
        try huge.serve("robots.txt", Array(("User-agent: *\nDisallow: /early\n" + padding + "Disallow: /late\n").utf8))
        try serveIndex(huge, links: ["early.txt", "late.txt"], seed: 3004)

        let workspace = try Workspace()
        let config = workspace.temporary.path("urls.toml")
        try URLScopeTests.configuration(
            at: config, preamble: "[source]\nmin_interval_per_host = 0.4",
            [ruled, missing, unavailable, huge].map { ($0.url("index.txt"), "index", "") })
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--config", config, "--log-level", "debug"],
            in: workspace.temporary.url)
        #expect(Wait.until(seconds: 90) { workspace.records().count == 8 }, "\(daemon.log)")
        #expect(daemon.log.contains("robots.txt unavailable"), "\(daemon.log)")
        #expect(unavailable.paths().filter { $0.hasPrefix("/later-") }.isEmpty, "\(unavailable.requests)")

        // It answers now (no file): its links are fetched once the daemon asks again.
        try FileManager.default.removeItem(at: unavailable.documentRoot.appendingPathComponent("robots.status"))
        #expect(Wait.until(seconds: 90) { workspace.records().count == 10 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)

        #expect(Set(ruled.paths().filter { $0 != "/index.txt" }) == Set(allowed.map { "/" + $0 }), "\(ruled.requests)")
        #expect(ruled.paths(robots: true).filter { $0 == "/robots.txt" }.count == 1)
        #expect(Set(missing.paths().filter { $0 != "/index.txt" }) == Set(unpaced.map { "/" + $0 }))
        #expect(huge.paths().contains("/late.txt") && !huge.paths().contains("/early.txt"), "\(huge.requests)")
        #expect(daemon.log.contains("robots.txt disallows a link"))
        // Crawl-delay: 1 second between the starts of requests to its host; min_interval_per_host: 0.4.
        // (Measured where the server receives them: connecting takes a little of the gap back.)
        let delayed = gaps(ruled, allowed)
        #expect(delayed.count == allowed.count - 1 && delayed.allSatisfy { $0 >= 0.9 }, "\(delayed)")
        let paced = gaps(missing, unpaced)
        #expect(paced.count == unpaced.count - 1 && paced.allSatisfy { $0 >= 0.3 }, "\(paced)")
    }

    @Test func aRetryAfterPausesItsHostAloneAndEveryRequestThere() throws {
        let busy = try TestHTTPServer()
        try serveArticles(busy, ["a.txt", "b.txt", "c.txt"], seed: 3006)
        try busy.serve(
            "index.txt",
            Array([busy.url("busy/3/a.txt"), busy.url("b.txt"), busy.url("c.txt")].joined(separator: "\n").utf8))
        let other = try TestHTTPServer()
        try serveIndex(other, links: ["d.txt"], seed: 3007)
        let workspace = try Workspace()
        let config = workspace.temporary.path("urls.toml")
        // One request at a time to a host: whatever follows the 429 on its host waits for the pause.
        try URLScopeTests.configuration(
            at: config, preamble: "[source]\nmax_per_host = 1",
            [(busy.url("index.txt"), "index", ""), (other.url("index.txt"), "index", "")])
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--config", config], in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 4 }, "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let refused = try #require(busy.arrivals(of: "/busy/3/a.txt").first)
        // On the paused host, nothing for 3 seconds after the 429 (the server's clock, which is the machine's
        // monotonic clock for both servers); on the other host, polls went on meanwhile.
        let busyAfter = busy.requests.compactMap { Double($0.split(separator: " ").last!) }.filter { $0 > refused }
        #expect(!busyAfter.isEmpty && busyAfter.allSatisfy { $0 >= refused + 2.9 }, "\(busy.requests)")
        let otherDuring = other.requests.compactMap { Double($0.split(separator: " ").last!) }.filter {
            $0 > refused && $0 < refused + 2.9
        }
        #expect(!otherDuring.isEmpty, "\(other.requests)")
        #expect(daemon.log.contains("server asked to retry later: pausing the host"))
    }

    @Test func feedsNamedByAPageAndSitemapsNamedByRobotsTxtArePolled() throws {
        let server = try TestHTTPServer()
        try serveArticles(server, ["news/from-feed.txt", "news/from-sitemap.txt", "news/from-page.txt"], seed: 3005)
        try server.serve(
            "home.html",
            Array(
                """
                <html><head><link rel="alternate" type="application/rss+xml" href="/feed.rss" title="Tin mới">
                </head><body><a href="/news/from-page.txt">Bài trên trang</a></body></html>
                """.utf8))
        try server.serve(
            "feed.rss",
            Array(
                """
                <?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><link>\(server.url("/"))</link>
                <item><link>\(server.url("news/from-feed.txt"))</link></item></channel></rss>
                """.utf8))
        try server.serve("robots.txt", Array("User-agent: *\nAllow: /\nSitemap: \(server.url("sitemap.xml"))\n".utf8))
        try server.serve(
            "sitemap.xml",
            Array(
                """
                <?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                <url><loc>\(server.url("news/from-sitemap.txt"))</loc></url></urlset>
                """.utf8))
        try server.serve("empty.txt", Array("# nothing listed here yet\n".utf8))

        let workspace = try Workspace()
        let config = workspace.temporary.path("urls.toml")
        try URLScopeTests.configuration(
            at: config,
            [
                (server.url("home.html"), "index", "discover_feeds = true"),
                (server.url("empty.txt"), "index", "discover_sitemaps = true"),
            ])
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--config", config], in: workspace.temporary.url)
        #expect(Wait.until(seconds: 60) { workspace.records().count == 2 }, "\(daemon.log)")
        // Polled again (conditionally) without the page's own links ever being taken.
        #expect(
            Wait.until(seconds: 60) { server.paths().filter { $0 == "/feed.rss" }.count >= 3 }, "\(server.requests)")
        #expect(daemon.stop() == 0)
        let urls = Set(workspace.records().compactMap { ($0["source"] as? [String: Any])?["url"] as? String })
        #expect(urls == [server.url("news/from-feed.txt"), server.url("news/from-sitemap.txt")])
        #expect(!server.paths().contains("/news/from-page.txt"))
        #expect(daemon.log.contains("feeds discovered on an index page"))
    }
}
