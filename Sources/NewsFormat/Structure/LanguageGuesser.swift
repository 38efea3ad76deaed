/// Tells the language of a text: `vi` when it reads as Vietnamese, else a best guess or `und`.
///
/// One pass over the UTF-8 bytes, no syllable parsing: running Vietnamese text has a letter found in no
/// other Latin-script language (`ă đ ĩ ũ ơ ư` or one from the Latin Extended Additional block, `ạ ả ấ … ỹ`)
/// in a good share of its words, and other scripts or accented letters rarely.
enum LanguageGuesser {
    private static let englishStopWords: Set<[UInt8]> = Set(
        ["the", "and", "of", "to", "in", "is", "that", "for", "it", "with", "was", "on", "as", "are", "by", "this"]
            .map { Array($0.utf8) }
    )

    /// Word counts of a text by the letters they hold.
    private struct WordCounts {
        var words = 0
        /// Words with a letter only Vietnamese uses.
        var vietnamese = 0
        /// Words with a non-ASCII scalar Vietnamese does not use.
        var foreign = 0
        /// ASCII words that are English function words.
        var englishStopWords = 0
    }

    /// An ISO 639-1 code (`vi`, `en`) or `und`.
    static func language(of text: String) -> String {
        var text = text
        let counts = text.withUTF8 { count($0) }
        guard counts.words > 0 else { return "und" }
        if counts.vietnamese >= 1, counts.vietnamese * 8 >= counts.words, counts.vietnamese >= 2 * counts.foreign {
            return "vi"
        }
        if counts.foreign * 10 < counts.words, counts.englishStopWords * 8 >= counts.words, counts.englishStopWords > 0
        {
            return "en"
        }
        return "und"
    }

    private static func count(_ bytes: UnsafeBufferPointer<UInt8>) -> WordCounts {
        var counts = WordCounts()
        var index = 0
        var word: [UInt8] = []
        word.reserveCapacity(32)
        while index < bytes.count {
            // Skip to the next letter.
            while index < bytes.count, bytes[index] < 0x80, !isASCIILetter(bytes[index]) { index += 1 }
            guard index < bytes.count else { break }
            var isASCII = true
            var isVietnamese = false
            var isForeign = false
            word.removeAll(keepingCapacity: true)
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    guard isASCIILetter(byte) || (byte >= 0x30 && byte <= 0x39) else { break }
                    if word.count < 8 { word.append(byte | 0x20) }
                    index += 1
                    continue
                }
                isASCII = false
                let (scalar, length) = UTF8Scalar.decode(bytes, at: index) ?? (0xFFFD, 1)
                index += length
                let kind = classify(scalar)
                if kind == .separator { break }
                if kind == .vietnamese { isVietnamese = true }
                if kind == .foreign { isForeign = true }
            }
            counts.words += 1
            if isVietnamese { counts.vietnamese += 1 }
            if isForeign { counts.foreign += 1 }
            if isASCII, englishStopWords.contains(word) { counts.englishStopWords += 1 }
        }
        return counts
    }

    private enum LetterKind { case vietnamese, shared, foreign, separator }

    @inline(__always)
    private static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    @inline(__always)
    private static func classify(_ scalar: UInt32) -> LetterKind {
        switch scalar {
        case 0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x1EA0...0x1EF9:
            return .vietnamese
        // À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý and lowercase: shared with French, Portuguese…
        case 0xC0...0xC3, 0xC8...0xCA, 0xCC, 0xCD, 0xD2...0xD5, 0xD9, 0xDA, 0xDD,
            0xE0...0xE3, 0xE8...0xEA, 0xEC, 0xED, 0xF2...0xF5, 0xF9, 0xFA, 0xFD:
            return .shared
        case 0xA0...0xBF, 0x2000...0x206F, 0x3000...0x303F, 0xFF00...0xFF0F:
            return .separator  // punctuation and spaces
        default:
            return .foreign
        }
    }
}
