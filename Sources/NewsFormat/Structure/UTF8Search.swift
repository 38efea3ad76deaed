#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension String {
    /// The first occurrence of `needle`, compared byte for byte on UTF-8.
    ///
    /// The parser's texts are NFC, so byte equality is the equality that matters, and it is many times faster
    /// than Foundation's `range(of:)`, which folds grapheme clusters.
    func firstUTF8Range(of needle: String) -> Range<Index>? {
        var haystack = self
        var needle = needle
        let offset: Int? = haystack.withUTF8 { bytes in
            needle.withUTF8 { pattern in
                guard let first = pattern.first, pattern.count <= bytes.count else { return nil }
                var start = 0
                let last = bytes.count - pattern.count
                while start <= last {
                    if bytes[start] == first,
                        memcmp(bytes.baseAddress! + start, pattern.baseAddress!, pattern.count) == 0
                    {
                        return start
                    }
                    start += 1
                }
                return nil
            }
        }
        guard let offset else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
    }

    /// The last occurrence of `needle`, compared byte for byte on UTF-8.
    func lastUTF8Range(of needle: String) -> Range<Index>? {
        let haystack = utf8
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return nil }
        var end = haystack.endIndex
        while let candidate = haystack[..<end].lastIndex(of: first) {
            if let matchEnd = Self.match(pattern, in: haystack, at: candidate) { return candidate..<matchEnd }
            end = candidate
        }
        return nil
    }

    /// True when the text holds `needle`, compared byte for byte on UTF-8.
    func containsUTF8(_ needle: String) -> Bool { firstUTF8Range(of: needle) != nil }

    /// True when the text ends with `suffix`, compared byte for byte on UTF-8.
    func hasUTF8Suffix(_ suffix: String) -> Bool {
        utf8.count >= suffix.utf8.count && utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    private static func match(_ pattern: [UInt8], in haystack: UTF8View, at start: Index) -> Index? {
        var index = start
        for byte in pattern {
            guard index < haystack.endIndex, haystack[index] == byte else { return nil }
            index = haystack.index(after: index)
        }
        return index
    }
}
