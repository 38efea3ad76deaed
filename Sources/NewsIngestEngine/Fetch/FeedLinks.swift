import Foundation

/// The feeds an HTML page names for itself: `<link rel="alternate" type="application/rss+xml" href="…">`
/// (or `application/atom+xml`), resolved against the page's URL, each once, in order. One pass over the
/// page; attribute names and values compared without regard to case.
public enum FeedLinks {
    /// The feed URLs of `body` (an HTML page), fetched from `base`; empty for anything else.
    public static func feeds(in body: [UInt8], base: String) -> [String] {
        guard let baseURL = URL(string: base) else { return [] }
        let lowered = body.map(asciiLowercased)
        var feeds: [String] = []
        var seen = Set<String>()
        var position = 0
        let open = Array("<link".utf8)
        while let start = open.withUnsafeBufferPointer({ needle in
            lowered.withUnsafeBufferPointer { IndexLinks.firstOffset(of: needle, in: $0, from: position) }
        }) {
            let tagStart = start + open.count
            guard let end = lowered[tagStart...].firstIndex(of: UInt8(ascii: ">")) else { break }
            position = end + 1
            // `<linkfoo` is another element.
            guard tagStart < end, isASCIIWhitespace(lowered[tagStart]) || lowered[tagStart] == UInt8(ascii: "/")
            else { continue }
            let attributes = Self.attributes(original: body[tagStart..<end], lowered: lowered[tagStart..<end])
            let rel = attributes["rel"]?.lowercased().split(separator: " ") ?? []
            let type = attributes["type"]?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
            guard rel.contains("alternate"), type == "application/rss+xml" || type == "application/atom+xml",
                let href = attributes["href"]?.trimmingASCIIWhitespace(), !href.isEmpty,
                let resolved = URL(string: href.replacingOccurrences(of: "&amp;", with: "&"), relativeTo: baseURL)?
                    .absoluteString,
                HTTPRequest.isFetchable(resolved)
            else { continue }
            if seen.insert(resolved).inserted { feeds.append(resolved) }
        }
        return feeds
    }

    /// `name="value"`, `name='value'` and `name=value` pairs of one tag, names lower-cased, values as written.
    private static func attributes(original: ArraySlice<UInt8>, lowered: ArraySlice<UInt8>) -> [String: String] {
        var attributes: [String: String] = [:]
        var index = lowered.startIndex
        let end = lowered.endIndex
        while index < end {
            while index < end, isASCIIWhitespace(lowered[index]) || lowered[index] == UInt8(ascii: "/") { index += 1 }
            let nameStart = index
            while index < end, !isASCIIWhitespace(lowered[index]), lowered[index] != UInt8(ascii: "=") { index += 1 }
            let name = String(decoding: lowered[nameStart..<index], as: UTF8.self)
            guard index < end, lowered[index] == UInt8(ascii: "=") else {
                if index == nameStart { index += 1 }
                continue
            }
            index += 1
            let quote = index < end ? lowered[index] : 0
            let valueStart: Int
            let valueEnd: Int
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                valueStart = index + 1
                valueEnd = lowered[valueStart...].firstIndex(of: quote) ?? end
                index = min(valueEnd + 1, end)
            } else {
                valueStart = index
                while index < end, !isASCIIWhitespace(lowered[index]) { index += 1 }
                valueEnd = index
            }
            if attributes[name] == nil {
                attributes[name] = String(decoding: original[valueStart..<valueEnd], as: UTF8.self)
            }
        }
        return attributes
    }
}
