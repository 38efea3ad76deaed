/// Finds the words of valid UTF-8 text byte by byte: runs of scalars that are not word separators
/// (``WordBoundaries/isSeparator(_:)``), and the separators between them.
///
/// Only the lead bytes that can start a separator outside ASCII (`C2`, `E2`, `E3`, `EF`) cost a decode.
/// `×` and `÷` (`C3 97`, `C3 B7`) are separators too, but `C3` leads most accented vowels, so it is read as a
/// letter here and a span that holds either is flagged by ``WordFacts/containsSeparator`` instead: the caller
/// then takes the exact, scalar-by-scalar path.
struct WordSpans {
    /// What a byte is to the scan.
    enum ByteKind: UInt8 {
        /// Part of a word: ASCII letters and digits, continuation bytes, most lead bytes.
        case wordByte = 0
        /// ASCII other than letters and digits.
        case asciiSeparator = 1
        /// `C2`: every scalar it leads (U+0080…U+00BF) is a separator.
        case latin1Separator = 2
        /// `E2`, `E3`, `EF`: decode to tell.
        case maybeSeparator = 3
    }

    /// ``ByteKind`` raw values by byte.
    static let kinds: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return ByteKind.wordByte.rawValue
        case 0x00...0x7F: return ByteKind.asciiSeparator.rawValue
        case 0xC2: return ByteKind.latin1Separator.rawValue
        case 0xE2, 0xE3, 0xEF: return ByteKind.maybeSeparator.rawValue
        default: return ByteKind.wordByte.rawValue
        }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private let kinds: [UInt8]
    /// Where the scan is.
    private(set) var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.kinds = Self.kinds
    }

    /// One step of the scan: a separator scalar, or a word.
    enum Piece {
        /// A separator scalar at `offset`, `length` bytes long, with its value (ASCII or decoded).
        case separator(offset: Int, length: Int, scalar: UInt32)
        /// A word's byte range.
        case word(Range<Int>)
    }

    /// The next separator or word, or `nil` at the end.
    ///
    /// A single ASCII space between two words is passed over rather than returned: it is the separator of
    /// nearly every word, and one that the cleaning pass keeps as it is (not next to a space or line end).
    @inline(__always)
    mutating func next() -> Piece? {
        let count = bytes.count
        guard position < count else { return nil }
        let start = position
        if let separator = separator(at: start) {
            position += separator.length
            return .separator(offset: start, length: separator.length, scalar: separator.scalar)
        }
        position += 1
        while position < count {
            if position + 8 <= count, let base = bytes.baseAddress {
                // Eight bytes at a time: most words end within the first eight.
                let candidates = Self.possibleSeparatorBytes(EightBytes.load(base, at: position))
                position += candidates.trailingZeroBitCount >> 3
                if candidates == 0 { continue }
            }
            let kind = kinds[Int(bytes[position])]
            if kind == ByteKind.wordByte.rawValue {
                position += 1
                continue
            }
            // ASCII punctuation and space, and every scalar `C2` leads, end the word without a decode.
            if kind != ByteKind.maybeSeparator.rawValue || separator(at: position) != nil { break }
            position += 1
        }
        let end = position
        if end + 1 < count, bytes[end] == 0x20, kinds[Int(bytes[end + 1])] == ByteKind.wordByte.rawValue {
            position += 1
        }
        return .word(start..<end)
    }

    /// The bytes of `word` that may start a separator: ASCII other than letters and digits, and the lead
    /// bytes `C2`, `E2`, `E3`, `EF` (see ``EightBytes``).
    @inline(__always)
    static func possibleSeparatorBytes(_ word: UInt64) -> UInt64 {
        let digits = EightBytes.asciiBytes(word, from: 0x30, through: 0x39)
        // `| 0x20` folds upper case onto lower case, and keeps every other ASCII byte outside a…z.
        let letters = EightBytes.asciiBytes(word | EightBytes.ones &* 0x20, from: 0x61, through: 0x7A)
        let asciiSeparators = ~word & ~(digits | letters) & EightBytes.highBits
        let leads =
            EightBytes.bytes(word, equalTo: 0xC2) | EightBytes.bytes(word, equalTo: 0xE2)
            | EightBytes.bytes(word, equalTo: 0xE3) | EightBytes.bytes(word, equalTo: 0xEF)
        return asciiSeparators | leads
    }

    /// The separator scalar starting at `index`, or `nil` when a word byte is there.
    @inline(__always)
    private func separator(at index: Int) -> (length: Int, scalar: UInt32)? {
        let byte = bytes[index]
        switch kinds[Int(byte)] {
        case ByteKind.wordByte.rawValue:
            return nil
        case ByteKind.asciiSeparator.rawValue:
            return (1, UInt32(byte))
        default:
            let (scalar, length) = UTF8Scalar.decodeValid(bytes, at: index)
            return WordBoundaries.isSeparator(scalar) ? (length, scalar) : nil
        }
    }
}
