import Foundation

/// The article links of an index page: an HTML page of links (directory listings included), an RSS 2.0 or
/// Atom feed, a sitemap, or a plain list of URLs, one a line. Links are resolved against the page's URL; only
/// `http(s)` links are kept, each once, in order.
///
/// The page is searched as UTF-8 bytes, in one pass per kind of link: a sitemap of 50 000 links is read in
/// linear time.
public enum IndexLinks {
    /// The links of `body` (UTF-8), fetched from `base`.
    public static func links(in body: [UInt8], base: String) -> [String] {
        let candidates = body.withUnsafeBufferPointer { whole in
            // A byte order mark starts nothing.
            let hasMark = whole.count >= 3 && whole[0] == 0xEF && whole[1] == 0xBB && whole[2] == 0xBF
            let bytes = UnsafeBufferPointer(rebasing: whole[(hasMark ? 3 : 0)...])
            return isMarkup(bytes) ? markupValues(in: bytes) : lines(of: bytes)
        }
        guard let baseURL = URL(string: base) else { return [] }
        let page = baseURL.absoluteString
        var seen = Set<String>()
        var links: [String] = []
        for candidate in candidates {
            let value = unescape(candidate.trimmingASCIIWhitespace())
            guard !value.isEmpty, !value.hasPrefix("#"), !value.hasPrefix("?"),
                let resolved = URL(string: value, relativeTo: baseURL)?.absoluteURL,
                let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https"
            else { continue }
            var link = resolved.absoluteString
            if let hash = link.utf8.firstIndex(of: UInt8(ascii: "#")) { link = String(link[..<hash]) }
            // The page itself and parent directories (`../` in a listing) are not articles.
            if link == page || page.hasPrefix(link) { continue }
            if seen.insert(link).inserted { links.append(link) }
        }
        return links
    }

    /// True when the first character after white space is `<`.
    private static func isMarkup(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count, isASCIIWhitespace(bytes[index]) { index += 1 }
        return index < bytes.count && bytes[index] == UInt8(ascii: "<")
    }

    /// Sitemap `<loc>`, RSS `<link>`, Atom `<link href>` and HTML `<a href>` values, in document order.
    private static func markupValues(in bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        let found =
            values(in: bytes, between: "<loc>", and: "</loc>") + values(in: bytes, between: "<link>", and: "</link>")
            + values(in: bytes, between: "href=\"", and: "\"") + values(in: bytes, between: "href='", and: "'")
        return found.sorted { $0.offset < $1.offset }.map(\.value)
    }

    /// The non-empty lines of a plain list that are not `#` comments.
    private static func lines(of bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        bytes.split { $0 == 0x0A || $0 == 0x0D }.map { String(decoding: $0, as: UTF8.self).trimmingASCIIWhitespace() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// What stands between each `open` and the next `close`, with where it starts (byte offset); a CDATA
    /// section's content without its markers.
    private static func values(
        in bytes: UnsafeBufferPointer<UInt8>, between open: StaticString, and close: StaticString
    ) -> [(offset: Int, value: String)] {
        let opening = UnsafeBufferPointer(start: open.utf8Start, count: open.utf8CodeUnitCount)
        let closing = UnsafeBufferPointer(start: close.utf8Start, count: close.utf8CodeUnitCount)
        var values: [(offset: Int, value: String)] = []
        var position = 0
        while let start = firstOffset(of: opening, in: bytes, from: position) {
            let valueStart = start + opening.count
            guard let end = firstOffset(of: closing, in: bytes, from: valueStart) else { break }
            var value = String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)
            if value.hasPrefix("<![CDATA["), value.hasSuffix("]]>") { value = String(value.dropFirst(9).dropLast(3)) }
            values.append((start, value))
            position = end + closing.count
        }
        return values
    }

    /// Where `needle` first occurs in `bytes` at or after `from`.
    static func firstOffset(
        of needle: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, from: Int
    ) -> Int? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        var candidate = from
        let last = bytes.count - needle.count
        while candidate <= last {
            guard let hit = bytes[candidate...last].firstIndex(of: first) else { return nil }
            if memcmp(bytes.baseAddress! + hit, needle.baseAddress!, needle.count) == 0 { return hit }
            candidate = hit + 1
        }
        return nil
    }

    private static func unescape(_ value: String) -> String {
        guard value.utf8.contains(UInt8(ascii: "&")) else { return value }
        return value.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#38;", with: "&")
    }
}
