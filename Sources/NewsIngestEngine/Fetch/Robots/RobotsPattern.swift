/// One `Allow` or `Disallow` path pattern of a `robots.txt` (RFC 9309): `*` matches any run of bytes, a `$`
/// at the end anchors the pattern to the end of the path; otherwise the pattern matches a prefix.
///
/// Matching takes time linear in the path and the pattern whatever they hold: the pieces between `*`s are
/// found by Knuth–Morris–Pratt search, each from where the previous one ended (the leftmost occurrence of
/// each piece is the right one for a `*` pattern, so nothing is tried twice).
struct RobotsPattern: Sendable, Equatable {
    /// The pieces between `*`s, percent-encoding normalized (see ``RobotsPattern/normalize(_:)``).
    private let pieces: [[UInt8]]
    /// Each piece's KMP failure table.
    private let failures: [[Int]]
    /// True when the pattern ended in `$`.
    private let isAnchored: Bool
    /// The pattern's length in bytes as written: the longest match wins.
    let length: Int

    init(_ pattern: some Collection<UInt8>) {
        var bytes = Self.normalize(pattern)
        length = bytes.count
        isAnchored = bytes.last == UInt8(ascii: "$")
        if isAnchored { bytes.removeLast() }
        pieces = bytes.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init)
        failures = pieces.map(Self.failureTable)
    }

    /// True when the pattern matches `path` (path and query, normalized).
    func matches(_ path: [UInt8]) -> Bool {
        let first = pieces[0]
        guard path.starts(with: first) else { return false }
        if pieces.count == 1 { return !isAnchored || path.count == first.count }
        var position = first.count
        for index in 1..<(pieces.count - 1) {
            guard let found = find(index, in: path, from: position) else { return false }
            position = found + pieces[index].count
        }
        let last = pieces[pieces.count - 1]
        if isAnchored { return path.count - last.count >= position && path.suffix(last.count).elementsEqual(last) }
        return last.isEmpty || find(pieces.count - 1, in: path, from: position) != nil
    }

    /// Where piece `index` first occurs in `path` at or after `start`.
    private func find(_ index: Int, in path: [UInt8], from start: Int) -> Int? {
        let piece = pieces[index]
        let failure = failures[index]
        guard !piece.isEmpty else { return start <= path.count ? start : nil }
        var matched = 0
        var position = start
        while position < path.count {
            while matched > 0, path[position] != piece[matched] { matched = failure[matched - 1] }
            if path[position] == piece[matched] { matched += 1 }
            position += 1
            if matched == piece.count { return position - piece.count }
        }
        return nil
    }

    private static func failureTable(_ piece: [UInt8]) -> [Int] {
        var table = [Int](repeating: 0, count: piece.count)
        var length = 0
        var index = 1
        while index < piece.count {
            if piece[index] == piece[length] {
                length += 1
                table[index] = length
                index += 1
            } else if length > 0 {
                length = table[length - 1]
            } else {
                index += 1
            }
        }
        return table
    }

    /// The form patterns and paths are compared in: `%xx` escapes of unreserved characters (`A-Z a-z 0-9 - . _
    /// ~`) decoded, other escapes' hex digits upper-cased, and bytes outside ASCII percent-encoded, so
    /// `/%7efoo`, `/%7Efoo` and `/~foo` are one path, and so are `/ả` and `/%E1%BA%A3`.
    static func normalize(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count, let high = hexValue(input[index + 1]),
                let low = hexValue(input[index + 2])
            {
                let decoded = high << 4 | low
                if isUnreserved(decoded) {
                    output.append(decoded)
                } else {
                    output += [byte, hexDigit(high), hexDigit(low)]
                }
                index += 3
            } else if byte >= 0x80 {
                output += [UInt8(ascii: "%"), hexDigit(byte >> 4), hexDigit(byte & 0x0F)]
                index += 1
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
