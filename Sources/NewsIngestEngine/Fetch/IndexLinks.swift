import Foundation

/// The article links of an index page: an HTML page of links (directory listings included), an RSS 2.0 or
/// Atom feed, a sitemap, or a plain list of URLs, one a line. Links are resolved against the page's URL; only
/// `http(s)` links are kept, each once, in order.
public enum IndexLinks {
    /// The links of `body` (UTF-8), fetched from `base`.
    public static func links(in body: [UInt8], base: String) -> [String] {
        let text = String(decoding: body, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace }
        var candidates: [String]
        if trimmed.hasPrefix("<") {
            // Sitemap `<loc>`, RSS `<link>`, Atom `<link href>` and HTML `<a href>`, in document order.
            let found =
                values(in: text, between: "<loc>", and: "</loc>") + values(in: text, between: "<link>", and: "</link>")
                + values(in: text, between: "href=\"", and: "\"") + values(in: text, between: "href='", and: "'")
            candidates = found.sorted { $0.offset < $1.offset }.map(\.value)
        } else {
            candidates = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        guard let baseURL = URL(string: base) else { return [] }
        var seen = Set<String>()
        var links: [String] = []
        for candidate in candidates {
            let value = unescape(candidate.trimmingCharacters(in: .whitespacesAndNewlines))
            guard !value.isEmpty, !value.hasPrefix("#"), !value.hasPrefix("?"),
                let resolved = URL(string: value, relativeTo: baseURL)?.absoluteURL,
                let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https"
            else { continue }
            var link = resolved.absoluteString
            if let hash = link.firstIndex(of: "#") { link = String(link[..<hash]) }
            // The page itself and parent directories (`../` in a listing) are not articles.
            if link == baseURL.absoluteString || baseURL.absoluteString.hasPrefix(link) { continue }
            if seen.insert(link).inserted { links.append(link) }
        }
        return links
    }

    /// What stands between each `open` and the next `close`, with where it starts (UTF-8 offset).
    private static func values(
        in text: String, between open: String, and close: String
    ) -> [(offset: Int, value: String)] {
        var values: [(offset: Int, value: String)] = []
        var rest = text[...]
        while let start = rest.range(of: open) {
            rest = rest[start.upperBound...]
            guard let end = rest.range(of: close) else { break }
            var value = String(rest[..<end.lowerBound])
            if value.hasPrefix("<![CDATA["), value.hasSuffix("]]>") { value = String(value.dropFirst(9).dropLast(3)) }
            values.append((text.utf8.distance(from: text.startIndex, to: start.lowerBound), value))
            rest = rest[end.upperBound...]
        }
        return values
    }

    private static func unescape(_ value: String) -> String {
        value.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#38;", with: "&")
    }
}
