import TestSupport
import Testing

@testable import NewsIngestEngine

/// `robots.txt` as RFC 9309 reads it: groups, wildcards, `$`, the longest match, `Crawl-delay`, `Sitemap:`.
@Suite struct RobotsRulesTests {
    func rules(_ text: String, agent: String = "newsingest") -> RobotsRules {
        RobotsRules(parsing: Array(text.utf8), productToken: agent)
    }

    @Test func ourGroupWinsOverTheWildcardAndGroupsForUsAreCombined() {
        let robots = rules(
            """
            # comments and blank lines are nothing

            User-agent: *
            Disallow: /

            User-agent: OtherBot
            User-agent: NewsIngest/2.0
            Disallow: /private/
            Crawl-delay: 2.5

            user-agent: newsingest
            DISALLOW: /drafts   # trailing comment
            Sitemap: https://news.example/sitemap.xml
            """)
        #expect(robots.allows("/thoi-su/bai-1.html"))
        #expect(!robots.allows("/private/x") && !robots.allows("/drafts-2026/x"))
        #expect(robots.crawlDelaySeconds == 2.5)
        #expect(robots.sitemaps == ["https://news.example/sitemap.xml"])
        // Another crawler gets the wildcard group: nothing.
        let other = rules(
            """
            User-agent: *
            Disallow: /
            Crawl-delay: 9
            User-agent: newsingest
            Allow: /
            """, agent: "somebot")
        #expect(!other.allows("/a") && other.crawlDelaySeconds == 9)
        // A token with `-` and `_` is matched in any case (a user_agent of "News_Bot-Vn/1.0").
        let underscored = rules("User-agent: *\nDisallow: /\nUser-agent: NEWS_BOT-VN\nAllow: /\n", agent: "news_bot-vn")
        #expect(underscored.allows("/a"))
    }

    @Test func wildcardsDollarAndTheLongestMatch() {
        let robots = rules(
            """
            User-agent: *
            Disallow: /*.pdf$
            Disallow: /search
            Allow: /search/about
            Disallow: /*?session=
            Disallow: /fish*bowl*end$
            Allow: /a
            Disallow: /a
            """)
        #expect(!robots.allows("/files/report.pdf") && robots.allows("/files/report.pdf.html"))
        #expect(!robots.allows("/search?q=x") && robots.allows("/search/about") && !robots.allows("/searching"))
        #expect(!robots.allows("/tin/bai?session=42") && robots.allows("/tin/bai?page=2"))
        #expect(!robots.allows("/fish-in-a-bowl-at-the-end") && robots.allows("/fish-in-a-bowl-at-the-end/"))
        #expect(!robots.allows("/fishbowlend") && robots.allows("/fishbowl"))
        // Equal lengths: Allow wins.
        #expect(robots.allows("/a/b"))
        // robots.txt itself is always allowed.
        #expect(rules("User-agent: *\nDisallow: /").allows("/robots.txt"))
    }

    @Test func percentEncodingIsComparedOneWay() {
        let robots = rules("User-agent: *\nDisallow: /%7euser/\nDisallow: /thời-sự/\nDisallow: /a%2fb\n")
        #expect(!robots.allows("/~user/page") && !robots.allows("/%7Euser/page"))
        #expect(!robots.allows("/th%E1%BB%9Di-s%E1%BB%B1/bai") && !robots.allows("/th%e1%bb%9di-s%e1%bb%b1/bai"))
        // An escaped slash is not a slash.
        #expect(!robots.allows("/a%2Fb") && robots.allows("/a/b"))
    }

    @Test func emptyAndMissingRulesAllowEverything() {
        #expect(rules("").allows("/a"))
        #expect(rules("User-agent: *\nDisallow:\n").allows("/a"))
        // Rules before any User-agent line belong to no group.
        #expect(rules("Disallow: /\nUser-agent: *\nAllow: /x\n").allows("/a"))
        #expect(RobotsRules.allowAll.allows("/a") && !RobotsRules.disallowAll.allows("/a"))
        #expect(RobotsRules.disallowAll.isUnavailable && RobotsRules.disallowAll.allows("/robots.txt"))
    }

    @Test func onlyTheFirst500KiBCount() {
        let padding = String(repeating: "# padding\n", count: RobotsRules.maxBytes / 10)
        let robots = rules("User-agent: *\nDisallow: /early\n" + padding + "Disallow: /late\n")
        #expect(!robots.allows("/early") && robots.allows("/late"))
    }

    @Test func theCacheLifetimeComesFromTheHeadersWithinAMinuteAndADay() {
        func lifetime(_ headers: [(String, String)]) -> Double {
            RobotsCache.lifetime(
                of: HTTPResponse(
                    status: 200, finalURL: "http://a/robots.txt", headers: headers, body: [], httpVersion: nil))
        }
        #expect(lifetime([]) == 86_400)
        #expect(lifetime([("cache-control", "public, max-age=3600")]) == 3600)
        #expect(lifetime([("cache-control", "max-age=5")]) == 60)
        #expect(lifetime([("cache-control", "max-age=9999999")]) == 86_400)
        #expect(lifetime([("cache-control", "no-cache")]) == 60)
        #expect(
            lifetime([("date", "Thu, 03 Dec 2026 10:00:00 GMT"), ("expires", "Thu, 03 Dec 2026 12:00:00 GMT")]) == 7200)
    }

    @Test func hostilePatternsAndPathsCostLinearTime() {
        // Stars and near-misses: a backtracking matcher is quadratic (or worse) here.
        func text(_ count: Int) -> String {
            "User-agent: *\nDisallow: /" + String(repeating: "*a", count: count) + "b$\n"
        }
        func path(_ count: Int) -> Substring { Substring("/" + String(repeating: "a", count: count * 4)) }
        let growth = LinearGrowth.check(small: 2_000, large: 8_000) { count in
            let robots = rules(text(count))
            _ = robots.allows(path(count))
        }
        #expect(growth.isLinear, "\(growth)")
        let repeated = LinearGrowth.check(small: 20_000, large: 80_000) { count in
            let robots = rules("User-agent: *\nDisallow: /" + String(repeating: "a", count: count) + "b\n")
            _ = robots.allows(Substring("/" + String(repeating: "a", count: count * 2)))
        }
        #expect(repeated.isLinear, "\(repeated)")
    }
}

/// The feeds an HTML page names for itself.
@Suite struct FeedLinksTests {
    @Test func alternateRSSAndAtomLinksAreTheFeeds() {
        let page = """
            <html><head>
            <LINK REL="alternate" TYPE="application/rss+xml" HREF="/rss/tin-moi.rss" title="Tin mới">
            <link rel='alternate' type='application/atom+xml' href='https://news.example/atom.xml?a=1&amp;b=2'/>
            <link rel="stylesheet" type="text/css" href="/style.css">
            <link rel="alternate" hreflang="en" href="/en/">
            <link rel=alternate type=application/rss+xml href=/rss/the-thao.rss>
            <linkage rel="alternate" type="application/rss+xml" href="/not-a-link.rss">
            <link rel="alternate" type="application/rss+xml" href="/rss/tin-moi.rss">
            </head><body><a href="/bai-1.html">Bài 1</a></body></html>
            """
        #expect(
            FeedLinks.feeds(in: Array(page.utf8), base: "https://news.example/trang-chu")
                == [
                    "https://news.example/rss/tin-moi.rss", "https://news.example/atom.xml?a=1&b=2",
                    "https://news.example/rss/the-thao.rss",
                ])
        #expect(FeedLinks.feeds(in: Array("<rss><channel></channel></rss>".utf8), base: "https://a.example/").isEmpty)
        #expect(FeedLinks.feeds(in: Array("<link rel=\"alternate\"".utf8), base: "https://a.example/").isEmpty)
    }
}
