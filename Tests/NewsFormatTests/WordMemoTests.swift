import ArticleFixtures
import Testing

@testable import NewsFormat

/// The fast paths (word spans on bytes, facts from a ``WordMemo``, the fused clean check) must give exactly
/// what the scalar-by-scalar reference gives.
@Suite struct WordMemoTests {
    /// Texts that exercise every path: generated articles with every kind of noise, and words around the
    /// separators the byte scan treats specially.
    static func texts() -> [String] {
        var texts = [
            "3×4 hòa÷khỏe và thuỷ×2", "TPO\u{A0}- Hà Nội", "a\u{A0}\u{A0}b", "\u{A0}đầu", "cuối\u{A0}",
            "“Hoà” — “thuỷ”… «khoẻ»", "giá 100€ hòan tất", "x\u{2009}y", "www.hòa.vn qúy@mail.vn đuợc",
            "Ðà Nẵng", "COVID-19 IAEA Zelensky", "", "\n\n", "😀 hòa 😀", "hoà\u{200D}😀", "gía\u{FEFF}tìên",
            "iạ\u{A0}Ò@", "ịa\u{A0}x@y.vn hoà\u{A0}www.a.vn",
        ]
        var generator = ArticleGenerator(seed: 41)
        for index in 0..<150 {
            var article = generator.next()
            article.noise = index % 3 == 0 ? [] : Set(GeneratedArticle.Noise.allCases.filter { _ in index % 2 == 0 })
            article.encoding = .utf8
            texts.append(String(decoding: article.bytes(seed: UInt64(index)), as: UTF8.self))
        }
        return texts
    }

    @Test(arguments: ToneStyle.allCases)
    func normalizingWithTheMemoMatchesTheExactPass(style: ToneStyle) {
        let normalizer = TextNormalizer(toneStyle: style)
        // A tiny memo, so that words also evict each other.
        for memo in [WordMemo(), WordMemo(slotBits: 4)] {
            for text in Self.texts() {
                var fastReport = NormalizationReport()
                var exactReport = NormalizationReport()
                let fast = normalizer.normalize(text, report: &fastReport, memo: memo)
                let exact = String(
                    decoding: normalizer.normalizedUTF8Exactly(text, report: &exactReport), as: UTF8.self)
                #expect(fast == exact, "\(Array(text.unicodeScalars.map(\.value)))")
                #expect(fastReport == exactReport, "\(text)")
            }
        }
    }

    @Test func featuresWithTheMemoMatchTheScalarPass() {
        let memo = WordMemo(slotBits: 6)
        for text in Self.texts() {
            let normalized = TextNormalizer().normalize(text).text
            #expect(TextFeatures(normalized, memo: memo) == TextFeatures(normalized), "\(normalized)")
        }
    }

    /// The parser measures the text from the words the normalizer logged (at offsets shifted by its
    /// repairs, the lead without its prefix): it must find what the scalar pass finds on `text` itself.
    @Test(arguments: ToneStyle.allCases)
    func articleFeaturesFromTheWordLogMatchTheScalarPass(style: ToneStyle) throws {
        let parser = ArticleParser(toneStyle: style)
        let memo = WordMemo(slotBits: 6)
        var checked = 0
        for text in Self.texts() {
            guard let article = try? parser.parse(Array(text.utf8), memo: memo), !article.text.isEmpty else {
                continue
            }
            let reference = TextFeatures(article.text)
            #expect(article.simhash == reference.simhash, "\(text)")
            #expect(article.stats.characters == reference.characters, "\(text)")
            #expect(article.stats.words == reference.spaceSeparatedWords, "\(text)")
            #expect(article.language == LanguageGuesser.language(for: reference.languageCounts), "\(text)")
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test func countsOfScalarsAndWordsHoldAtEveryLengthAndOffset() {
        // The eight-bytes-at-a-time count against a plain one, across chunk boundaries.
        let sample = Array("Hà Nội  \nmưa\n\n to, “gió” 3×4 😀 x".utf8)
        for length in 0...sample.count {
            for start in stride(from: 0, to: sample.count - length + 1, by: 3) {
                let text = String(decoding: sample[start..<(start + length)], as: UTF8.self)
                let features = TextFeatures(text, memo: WordMemo(slotBits: 4))
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count
                #expect(features.characters == text.unicodeScalars.count, "\(text)")
                #expect(features.spaceSeparatedWords == words, "\(text)")
            }
        }
    }

    @Test func aLoneNonBreakingSpaceBecomesASpace() {
        #expect(TextNormalizer().normalize("TPO\u{A0}- Hà Nội\u{A0}mới").text == "TPO - Hà Nội mới")
        // It also ends a token: the e-mail address after it does not keep the word before it unrepaired.
        #expect(TextNormalizer(toneStyle: .keep).normalize("iạ\u{A0}Ò@").text == "ịa Ò@")
        #expect(TextNormalizer().normalize("a\u{A0}\u{A0}b \u{A0}c").text == "a b c")
    }

    @Test func theMultiplicationSignSeparatesWords() {
        // `×` is a separator, so `hoà` after it is a word of its own and is restyled.
        #expect(TextNormalizer().normalize("3×hoà").text == "3×hòa")
    }

    @Test func parsingWithASharedMemoGivesTheSameRecords() {
        let memo = WordMemo(slotBits: 5)
        var generator = ArticleGenerator(seed: 9)
        for index in 0..<100 {
            let bytes = generator.next().bytes(seed: UInt64(index))
            let shared = try? ArticleParser().parse(bytes, memo: memo)
            let fresh = try? ArticleParser().parse(bytes)
            #expect(shared == fresh, "article \(index)")
        }
    }
}
