import NewsIngestSystem

/// One `fnmatch(3)` pattern of a file name filter, matched as `fnmatch` with no flags matches it, with the
/// common shapes (`*.txt`, `.*`, a plain name) compared on bytes: a scan matches every name of a directory
/// against every pattern, at each rescan.
struct FileNameGlob: Sendable, Equatable {
    private enum Shape: Sendable, Equatable {
        /// `*` and then text without special characters: the name ends with it.
        case suffix([UInt8])
        /// Text without special characters and then `*`: the name starts with it.
        case prefix([UInt8])
        /// No special character at all: the name is the text.
        case exact([UInt8])
        /// Anything else: left to `fnmatch`.
        case general
    }

    /// The pattern as written.
    let pattern: String
    private let shape: Shape

    init(_ pattern: String) {
        self.pattern = pattern
        let bytes = Array(pattern.utf8)
        let isPlain = { (text: ArraySlice<UInt8>) in text.allSatisfy { !Self.specialBytes.contains($0) } }
        if bytes.first == UInt8(ascii: "*"), isPlain(bytes.dropFirst()) {
            shape = .suffix(Array(bytes.dropFirst()))
        } else if bytes.last == UInt8(ascii: "*"), isPlain(bytes.dropLast()) {
            shape = .prefix(Array(bytes.dropLast()))
        } else if isPlain(bytes[...]) {
            shape = .exact(bytes)
        } else {
            shape = .general
        }
    }

    /// `*`, `?`, `[` and `\`: the bytes that make a pattern more than its text.
    private static let specialBytes: [UInt8] = [0x2A, 0x3F, 0x5B, 0x5C]

    /// True when `name` matches, as `fnmatch(pattern, name, 0) == 0`.
    func matches(_ name: String) -> Bool {
        switch shape {
        case .suffix(let suffix):
            let utf8 = name.utf8
            return utf8.count >= suffix.count && utf8.suffix(suffix.count).elementsEqual(suffix)
        case .prefix(let prefix):
            return name.utf8.starts(with: prefix)
        case .exact(let text):
            return name.utf8.elementsEqual(text)
        case .general:
            return FileNames.matches(name, pattern: pattern)
        }
    }
}
