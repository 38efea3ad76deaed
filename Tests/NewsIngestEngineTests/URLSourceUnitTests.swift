import Foundation
import Testing

@testable import NewsIngestEngine

/// The pure parts of URL sources: links of every kind of index, `Retry-After`, `Content-Type` charsets.
@Suite struct IndexLinksTests {
    let base = "http://news.example/list/index.html"

    @Test func htmlLinksAreResolvedAndTheListingsOwnLinksDropped() {
        let html = """
            <html><a href="a.txt">A</a> <a href='/b.txt'>B</a> <a href="../">Parent</a> <a href="#top">top</a>
            <a href="mailto:x@y">mail</a> <a href="http://other.example/c.txt?x=1&amp;y=2">C</a>
            <a href="a.txt#again">A again</a></html>
            """
        #expect(
            IndexLinks.links(in: Array(html.utf8), base: base) == [
                "http://news.example/list/a.txt", "http://news.example/b.txt", "http://other.example/c.txt?x=1&y=2",
            ])
    }

    @Test func feedsSitemapsAndPlainListsGiveTheirLinks() {
        let rss = "<rss><item><link><![CDATA[http://news.example/1.txt]]></link></item></rss>"
        let atom = "<feed><entry><link rel=\"alternate\" href=\"/2.txt\"/></entry></feed>"
        let sitemap = "<?xml version=\"1.0\"?><urlset><url><loc>http://news.example/3.txt</loc></url></urlset>"
        let plain = "# comment\nhttp://news.example/4.txt\n\n  5.txt  \nftp://news.example/6.txt\n"
        #expect(IndexLinks.links(in: Array(rss.utf8), base: base) == ["http://news.example/1.txt"])
        #expect(IndexLinks.links(in: Array(atom.utf8), base: base) == ["http://news.example/2.txt"])
        #expect(IndexLinks.links(in: Array(sitemap.utf8), base: base) == ["http://news.example/3.txt"])
        #expect(
            IndexLinks.links(in: Array(plain.utf8), base: base) == [
                "http://news.example/4.txt", "http://news.example/list/5.txt",
            ])
    }

    @Test func retryAfterIsSecondsOrAnHTTPDate() {
        #expect(URLSource.seconds(retryAfter: "3") == 3)
        let inTenSeconds = Date(timeIntervalSinceNow: 10)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let seconds = URLSource.seconds(retryAfter: formatter.string(from: inTenSeconds))
        #expect(seconds.map { (8...11).contains($0) } == true, "\(String(describing: seconds))")
        #expect(URLSource.seconds(retryAfter: "soon") == nil)
    }

    @Test func theCharsetComesFromTheContentType() {
        #expect(URLSource.charset(of: "text/plain; charset=windows-1258") == "windows-1258")
        #expect(URLSource.charset(of: "text/html;Charset=\"UTF-8\"") == "\"UTF-8\"")
        #expect(URLSource.charset(of: "text/plain") == nil)
        #expect(URLSource.charset(of: nil) == nil)
    }
}
