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

    /// A sitemap at its size limit (50 000 URLs) is read in one pass: every link, in order.
    @Test func aFullSitemapGivesEveryLinkInOrder() {
        let urls = (0..<50_000).map { "http://news.example/a/\($0).txt" }
        let sitemap =
            "\u{FEFF}<?xml version=\"1.0\"?>\n<urlset>" + urls.map { "<url><loc>\($0)</loc></url>\n" }.joined()
            + "</urlset>"
        #expect(IndexLinks.links(in: Array(sitemap.utf8), base: base) == urls)
    }

    @Test func aPlainListWithAByteOrderMarkAndCRLFLineEnds() {
        let plain = "\u{FEFF}http://news.example/1.txt\r\n  \t2.txt\r\n#3.txt\r\n"
        #expect(
            IndexLinks.links(in: Array(plain.utf8), base: base) == [
                "http://news.example/1.txt", "http://news.example/list/2.txt",
            ])
    }

    @Test func retryAfterIsSecondsOrAnHTTPDate() {
        #expect(RetryAfter.seconds("3") == 3)
        let inTenSeconds = Date(timeIntervalSinceNow: 10)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let seconds = RetryAfter.seconds(formatter.string(from: inTenSeconds))
        #expect(seconds.map { (8...11).contains($0) } == true, "\(String(describing: seconds))")
        #expect(RetryAfter.seconds("soon") == nil)
    }

    @Test func aRetryAfterOnlyEverGivesAWaitThatCanBeClamped() {
        // Not numbers by RFC 9110, though Double(_:) takes them: NaN would crash the timer arithmetic.
        for text in ["nan", "inf", "-5", "1e9", "0x10", "+3", " "] {
            #expect(RetryAfter.seconds(text) == nil, "\(text)")
        }
        #expect(RetryAfter.seconds(" 999999 ") == 999_999)
        #expect(RetryAfter.seconds(String(repeating: "9", count: 400)) == .infinity)
        let farFuture = RetryAfter.seconds("Fri, 31 Dec 9999 23:59:59 GMT")
        #expect(farFuture.map { $0 > 100 * 365 * 86_400 } == true, "\(String(describing: farFuture))")
        #expect(RetryAfter.seconds("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
    }

    @Test func theCharsetComesFromTheContentType() {
        #expect(URLSource.charset(of: "text/plain; charset=windows-1258") == "windows-1258")
        #expect(URLSource.charset(of: "text/html;Charset=\"UTF-8\"") == "\"UTF-8\"")
        #expect(URLSource.charset(of: "text/plain") == nil)
        #expect(URLSource.charset(of: nil) == nil)
    }

    /// `gzip.compress(b"<urlset><url><loc>http://news.example/1.txt</loc></url></urlset>", mtime=0)`.
    static let gzippedSitemap: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xB3, 0x29, 0x2D, 0xCA, 0x29, 0x4E, 0x2D, 0xB1,
        0xB3, 0x01, 0xD2, 0x76, 0x36, 0x39, 0xF9, 0xC9, 0x76, 0x19, 0x25, 0x25, 0x05, 0x56, 0xFA, 0xFA, 0x79, 0xA9,
        0xE5, 0xC5, 0x7A, 0xA9, 0x15, 0x89, 0xB9, 0x05, 0x39, 0xA9, 0xFA, 0x86, 0x7A, 0x25, 0x15, 0x25, 0x36, 0xFA,
        0x20, 0x69, 0x1B, 0x7D, 0xB0, 0x4A, 0x7D, 0xA8, 0x3E, 0x00, 0xB7, 0xFC, 0x66, 0xE2, 0x40, 0x00, 0x00, 0x00,
    ]

    @Test func aGzippedSitemapIsDecompressedWithinItsLimit() throws {
        #expect(Gzip.isCompressed(Self.gzippedSitemap))
        let sitemap = try Gzip.decompress(Self.gzippedSitemap, limit: 1000)
        #expect(IndexLinks.links(in: sitemap, base: base) == ["http://news.example/1.txt"])
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Self.gzippedSitemap, limit: 10) }
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Array(Self.gzippedSitemap.prefix(30)), limit: 1000) }
    }
}
