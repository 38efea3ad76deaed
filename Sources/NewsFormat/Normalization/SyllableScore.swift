/// How Vietnamese a text reads: among words with non-ASCII letters, how many are Vietnamese syllables.
///
/// Used to choose among candidate decodings of legacy bytes, and to tell the language.
struct SyllableScore: Sendable {
    /// Words with non-ASCII letters that are Vietnamese syllables.
    var syllables = 0
    /// Words with non-ASCII letters (or symbols inside words) that are not.
    var nonSyllables = 0
    /// Words that are ASCII only.
    var asciiWords = 0

    /// `syllables - 2 × nonSyllables`: mojibake makes many non-syllables, so it loses to the right table.
    var value: Int { syllables - 2 * nonSyllables }

    /// Scores `text` (NFC).
    init(_ text: String) {
        var word: [UInt32] = []
        var isASCII = true
        func finishWord() {
            guard !word.isEmpty else { return }
            if isASCII {
                asciiWords += 1
            } else if ToneMarks.isSyllable(word) {
                syllables += 1
            } else {
                nonSyllables += 1
            }
            word.removeAll(keepingCapacity: true)
            isASCII = true
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            // Symbols that mojibake is made of count as part of the word, so `B¶o` is one non-syllable.
            let isWordPart =
                !WordBoundaries.isSeparator(value) || (0xA1...0xBF).contains(value)
                || (0x80...0x9F).contains(value)
            if isWordPart {
                word.append(value)
                if value >= 0x80 { isASCII = false }
            } else {
                finishWord()
            }
        }
        finishWord()
    }
}
