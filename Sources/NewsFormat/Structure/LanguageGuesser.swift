/// Tells the language of a text: `vi` when it reads as Vietnamese, else a best guess or `und`.
enum LanguageGuesser {
    private static let englishStopWords: Set<String> = [
        "the", "and", "of", "to", "in", "is", "that", "for", "it", "with", "was", "on", "as", "are", "by", "this",
    ]

    /// An ISO 639-1 code (`vi`, `en`) or `und`.
    static func language(of text: String) -> String {
        let score = SyllableScore(text)
        let words = score.syllables + score.nonSyllables + score.asciiWords
        guard words > 0 else { return "und" }
        // Vietnamese: most words with diacritics are syllables, and they are a good share of all words
        // (a third of the words in running Vietnamese text carry a diacritic; English text has almost none).
        if score.syllables >= 1, score.syllables * 5 >= words, score.syllables >= 2 * score.nonSyllables {
            return "vi"
        }
        var stopWords = 0
        for word in text.split(whereSeparator: { !$0.isLetter }) where englishStopWords.contains(word.lowercased()) {
            stopWords += 1
        }
        if score.nonSyllables * 10 < words, stopWords * 8 >= words, stopWords > 0 { return "en" }
        return "und"
    }
}
