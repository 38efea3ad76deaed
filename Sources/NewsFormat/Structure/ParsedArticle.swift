#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One article as the parser understood it: the content of a record, without where it came from.
public struct ParsedArticle: Sendable, Equatable {
    /// Lowercase hex SHA-256 of title, lead and paragraphs (see ``ContentID``).
    public var id: String
    /// What the bytes were.
    public var encoding: TextEncoding
    /// `vi`, another ISO 639-1 code, or `und`.
    public var language: String
    /// The headline, when the article has one.
    public var title: String?
    /// The outlet named by the lead's prefix.
    public var outlet: Outlet?
    /// The place before the news agency in `Hà Nội (TTXVN) - `.
    public var dateline: String?
    /// The first prose paragraph, without the outlet prefix.
    public var lead: String?
    /// Body paragraphs after the lead; captions and byline excluded.
    public var paragraphs: [String]
    /// Photo captions.
    public var captions: [Caption]
    /// The byline or credit line.
    public var byline: String?
    /// Quoted passages from the lead and paragraphs.
    public var quotes: [String]
    /// Day/month mentions in the lead and paragraphs.
    public var dates: [DateMention]
    /// The 64-bit fingerprint of `text`.
    public var simhash: SimHash
    /// What the parser noticed and repaired or could not decide.
    public var warnings: [String]

    /// Lead and paragraphs joined by a blank line: the field most consumers read.
    public var text: String
    /// Counts over ``text``.
    public var stats: ArticleStats
}

extension ParsedArticle {
    /// True when ``text`` is ``lead`` and ``paragraphs`` joined by blank lines, as the parser makes it.
    var isTextLeadAndParagraphs: Bool {
        let pieces = [lead].compactMap { $0 } + paragraphs
        let expected = pieces.reduce(0) { $0 + $1.utf8.count } + 2 * max(0, pieces.count - 1)
        guard text.utf8.count == expected else { return false }
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            for (index, piece) in pieces.enumerated() {
                if index > 0 {
                    guard bytes[offset] == 0x0A, bytes[offset + 1] == 0x0A else { return false }
                    offset += 2
                }
                let matches = piece.withUTF8Bytes { pieceBytes in
                    pieceBytes.isEmpty
                        || memcmp(bytes.baseAddress! + offset, pieceBytes.baseAddress!, pieceBytes.count) == 0
                }
                guard matches else { return false }
                offset += piece.utf8.count
            }
            return true
        }
    }
}

/// Counts over an article's text.
public struct ArticleStats: Sendable, Equatable {
    /// Unicode scalars in `text` (for NFC Vietnamese, the characters a reader sees).
    public var characters: Int
    /// Syllables separated by spaces, as Vietnamese counts words.
    public var words: Int
    /// The lead and the body paragraphs.
    public var paragraphs: Int

    /// Counts `text` of an article with `paragraphs` paragraphs.
    init(text: String, paragraphs: Int) {
        self.init(features: TextFeatures(text), paragraphs: paragraphs)
    }

    /// The counts from features already measured.
    init(features: TextFeatures, paragraphs: Int) {
        self.characters = features.characters
        self.words = features.spaceSeparatedWords
        self.paragraphs = paragraphs
    }
}
