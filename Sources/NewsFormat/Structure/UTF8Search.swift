#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension String {
    /// Calls `body` with the string's UTF-8 bytes in place, as `withUTF8` does, without the copy of the string
    /// (and its retain and release) that calling the mutating `withUTF8` on a value held elsewhere needs. A
    /// string whose bytes are not contiguous (bridged or foreign, which a parsed article never holds) is copied.
    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}

extension String {
    /// The first occurrence of `needle`, compared byte for byte on UTF-8.
    ///
    /// The parser's texts are NFC, so byte equality is the equality that matters, and it is many times faster
    /// than Foundation's `range(of:)`, which folds grapheme clusters.
    ///
    /// With `atWordStart`, only an occurrence that starts a word counts: at the start, or after a word
    /// separator (``WordBoundaries/isSeparator(_:)``). `Ảnh:` inside `điáẢnh:` is not a photo credit, and
    /// cutting a word there would leave a piece that normalizes differently from the whole.
    func firstUTF8Range(of needle: String, atWordStart: Bool = false) -> Range<Index>? {
        let offset: Int? = withUTF8Bytes { bytes in
            needle.withUTF8Bytes { pattern in
                guard let haystackStart = bytes.baseAddress, let patternStart = pattern.baseAddress,
                    let first = pattern.first, let last = pattern.last, pattern.count <= bytes.count
                else { return nil }
                // First and last byte before the whole comparison: Vietnamese patterns start with bytes
                // (0xE1, 0xC3…) that most words hold.
                let lastOffset = pattern.count - 1
                for start in 0...(bytes.count - pattern.count)
                where bytes[start] == first && bytes[start + lastOffset] == last
                    && memcmp(haystackStart + start, patternStart, pattern.count) == 0
                {
                    if atWordStart, start > 0, !WordBoundaries.isSeparator(bytes.scalarValue(endingAt: start)) {
                        continue
                    }
                    return start
                }
                return nil
            }
        }
        guard let offset else { return nil }
        return utf8Range(offset..<(offset + needle.utf8.count))
    }

    /// The last occurrence of `needle`, compared byte for byte on UTF-8.
    func lastUTF8Range(of needle: String) -> Range<Index>? {
        let offset: Int? = withUTF8Bytes { bytes in
            needle.withUTF8Bytes { pattern in
                guard let haystackStart = bytes.baseAddress, let patternStart = pattern.baseAddress,
                    let first = pattern.first, pattern.count <= bytes.count
                else { return nil }
                var start = bytes.count - pattern.count
                while start >= 0 {
                    if bytes[start] == first, memcmp(haystackStart + start, patternStart, pattern.count) == 0 {
                        return start
                    }
                    start -= 1
                }
                return nil
            }
        }
        guard let offset else { return nil }
        return utf8Range(offset..<(offset + needle.utf8.count))
    }

    /// The indices of UTF-8 byte offsets `offsets` (O(1) for a native string).
    func utf8Range(_ offsets: Range<Int>) -> Range<Index> {
        let lower = utf8.index(utf8.startIndex, offsetBy: offsets.lowerBound)
        return lower..<utf8.index(lower, offsetBy: offsets.count)
    }

    /// The text at UTF-8 byte offsets `offsets`, which must lie on scalar boundaries, as a string of its own:
    /// a substring of a valid string is copied, not validated again.
    func copy(utf8Offsets offsets: Range<Int>) -> String {
        String(self[utf8Range(offsets)])
    }

    /// True when the text ends with `suffix`, compared byte for byte on UTF-8.
    func hasUTF8Suffix(_ suffix: String) -> Bool {
        guard utf8.count >= suffix.utf8.count else { return false }
        return withUTF8Bytes { bytes in
            suffix.withUTF8Bytes { tail in
                guard let base = bytes.baseAddress, let tailBase = tail.baseAddress else { return true }
                return memcmp(base + (bytes.count - tail.count), tailBase, tail.count) == 0
            }
        }
    }

    /// The last Unicode scalar's value, read from the end of the UTF-8 bytes; `nil` for an empty string.
    var lastScalarValue: UInt32? {
        return withUTF8Bytes { bytes -> UInt32? in
            guard var start = bytes.indices.last else { return nil }
            while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
            return UTF8Scalar.decodeValid(bytes, at: start).0
        }
    }

    /// True when both strings hold the same UTF-8 bytes (no Unicode equivalence: the texts are NFC).
    func hasSameUTF8(as other: String) -> Bool {
        utf8.count == other.utf8.count && utf8.elementsEqual(other.utf8)
    }

    /// A hash of the UTF-8 bytes (seeded per process, as `Hasher` is, so input cannot aim at collisions).
    var utf8Hash: Int {
        var hasher = Hasher()
        withUTF8Bytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// True when the buffer's last bytes are `suffix`.
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && UnsafeBufferPointer(rebasing: self[(count - suffix.count)...]).elementsEqual(suffix)
    }

    /// Calls `body` with the offset of each occurrence of `byte`, found with `memchr`, until it returns false.
    func forEachOffset(of byte: UInt8, _ body: (Int) -> Bool) {
        guard let base = baseAddress else { return }
        var start = 0
        while start < count, let found = memchr(base + start, Int32(byte), count - start) {
            let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard body(offset) else { return }
            start = offset + 1
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The value of the scalar whose last byte is just before `end` (greater than 0), in valid UTF-8.
    func scalarValue(endingAt end: Int) -> UInt32 {
        var start = end - 1
        while start > 0, end - start < 4, self[start] & 0xC0 == 0x80 { start -= 1 }
        let lead = UInt32(self[start])
        let length = end - start
        guard length > 1 else { return lead }
        var value = lead & (0xFF >> (length + 1))
        for index in (start + 1)..<end { value = value << 6 | UInt32(self[index] & 0x3F) }
        return value
    }
}
