import ArticleFixtures
import Foundation
import Testing

@testable import NewsFormat

@Suite struct TextNormalizerTests {
    let normalizer = TextNormalizer()

    @Test func lineEndsSpacesAndInvisibleCharactersAreCleaned() {
        let input = "  Hà\u{A0}Nội\r\nTP.HCM\u{2003}\u{200B}mới   \u{AD}nhất \rcuối\t "
        #expect(normalizer.normalize(input).text == "Hà Nội\nTP.HCM mới nhất\ncuối")
    }

    @Test func lineStructureIsKept() {
        let input = "một\n\n  \nhai\r\n\r\nba\n"
        #expect(normalizer.normalize(input).text == "một\n\n\nhai\n\nba\n")
    }

    @Test func controlCharactersAreRemovedAndReported() {
        let (text, report) = normalizer.normalize("Hà\u{07}Nội\u{1B} \u{85}x\u{7F}")
        #expect(text == "HàNội\nx")
        #expect(report.controlCharactersRemoved == 3)
    }

    @Test func decomposedAndMixedInputBecomesNFC() {
        let composed = "Tiếng Việt được hoàn thành"
        let decomposed = composed.decomposedStringWithCanonicalMapping
        let (text, report) = normalizer.normalize(decomposed)
        #expect(text == composed)
        #expect(Array(text.utf8) == Array(composed.utf8))
        #expect(report.composedToNFC)
        // Dot below before circumflex, and the reverse order: both compose to ệ.
        #expect(normalizer.normalize("Vie\u{323}\u{302}t Vie\u{302}\u{323}t").text == "Việt Việt")
    }

    @Test func emojiJoinersAreKeptBetweenEmoji() {
        let family = "👨\u{200D}👩\u{200D}👧"
        #expect(normalizer.normalize("gia đình \(family)").text == "gia đình \(family)")
    }

    /// `normalize(normalize(x)) == normalize(x)` over generated input: Vietnamese letters (composed and
    /// decomposed), loose combining marks, every kind of space, invisible and control characters, Ð, URLs.
    @Test(arguments: ToneStyle.allCases)
    func normalizingIsIdempotent(style: ToneStyle) {
        let alphabet: [String] = [
            "a", "o", "e", "u", "y", "i", "q", "g", "h", "n", "g", "c", "t", "đ", "Ð", "ð", "ư", "ơ", "ô", "â", "ă",
            "ê", "à", "á", "ả", "ã", "ạ", "ò", "ó", "ỏ", "õ", "ọ", "ù", "ú", "ủ", "ũ", "ụ", "ỳ", "ý", "ỷ", "ỹ", "ỵ",
            "Ò", "Ó", "Ú", "Ý", "\u{300}", "\u{301}", "\u{303}", "\u{309}", "\u{323}", "\u{302}", "\u{31B}", " ", "  ",
            "\u{A0}", "\u{200B}", "\u{200D}", "\u{AD}", "\u{FEFF}", "\n", "\r\n", "\r", "\t", "\u{01}", "\u{7F}",
            "\u{85}", "\u{2028}", ".", ",", "-", "“", "”", "\"", "://", "@", "www.", "Z", "K", "1", "9", "😀", "한",
            "ﬁ", "Å", "Ω", "\u{212B}", "\u{2126}",
        ]
        // A fixed seed per style, so a failure is the same on every run (it prints its input).
        var random = SplitMix64(seed: 0xD1E7 &+ UInt64(ToneStyle.allCases.firstIndex(of: style)!))
        for _ in 0..<6000 {
            var input = ""
            for _ in 0..<Int(random.next() % 24) { input += alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let normalizer = TextNormalizer(toneStyle: style)
            let once = normalizer.normalize(input).text
            let twice = normalizer.normalize(once).text
            #expect(once == twice, "input: \(Array(input.unicodeScalars.map(\.value)))")
            #expect(
                once == once.precomposedStringWithCanonicalMapping,
                "not NFC: \(Array(input.unicodeScalars.map(\.value)))")
        }
    }

    @Test func generatedArticleTextNormalizesIdempotently() {
        var generator = ArticleGenerator(seed: 7)
        for index in 0..<200 {
            let article = generator.next()
            let text = String(decoding: LegacyEncoder.encode(article.cleanText, as: .utf8), as: UTF8.self)
            let once = normalizer.normalize(text).text
            #expect(normalizer.normalize(once).text == once, "article \(index)")
        }
    }
}
