/// Trimming a set of characters off the ends of a string, for the structure checks.
///
/// Most strings have nothing to trim, and that is told by one byte: a first byte that starts none of the
/// characters, or a last byte that ends none of them. An ASCII character next to another ASCII byte (or the
/// string's end) is a whole character, save a carriage return with its line feed, so it is trimmed byte by
/// byte; anywhere else the text is broken into characters.
extension String {
    /// The string without leading and trailing `characters`.
    func trimmingCharacters(_ characters: String) -> String {
        trimmingTrailing(characters).trimmingLeading(characters)
    }

    /// The string without leading `characters`.
    func trimmingLeading(_ characters: String) -> String {
        let utf8 = self.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let byte = utf8[start]
            let next = utf8.index(after: start)
            guard byte < 0x80, byte != 0x0D, next == utf8.endIndex || utf8[next] < 0x80 else {
                guard characters.unicodeScalars.contains(where: { $0.utf8.first == byte }) else { break }
                return String(self[start...].drop { characters.contains($0) })
            }
            guard Self.holds(byte, characters) else { break }
            start = next
        }
        return start == utf8.startIndex ? self : String(self[start...])
    }

    /// The string without trailing `characters`.
    func trimmingTrailing(_ characters: String) -> String {
        let utf8 = self.utf8
        var end = utf8.endIndex
        while end > utf8.startIndex {
            let lastIndex = utf8.index(before: end)
            let byte = utf8[lastIndex]
            let previous = lastIndex == utf8.startIndex ? nil : utf8[utf8.index(before: lastIndex)]
            guard byte < 0x80, (previous ?? 0) < 0x80, byte != 0x0A || previous != 0x0D else {
                guard characters.unicodeScalars.contains(where: { $0.utf8.last == byte }) else { break }
                var result = self[..<end]
                while let last = result.last, characters.contains(last) { result.removeLast() }
                return String(result)
            }
            guard Self.holds(byte, characters) else { break }
            end = lastIndex
        }
        return end == utf8.endIndex ? self : String(self[..<end])
    }

    /// True when the ASCII character `byte` is one of `characters`: its byte among theirs first (most bytes
    /// are not), then as a character of its own (not the `\r` of `\r\n`, nor the `e` of `e` and a
    /// combining accent).
    private static func holds(_ byte: UInt8, _ characters: String) -> Bool {
        characters.utf8.contains(byte) && characters.contains(Character(Unicode.Scalar(byte)))
    }
}

extension Substring {
    /// The text without leading and trailing `characters`.
    func trimmingCharacters(_ characters: String) -> String { String(self).trimmingCharacters(characters) }
}
