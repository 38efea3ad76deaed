import ArticleFixtures
import Testing

@testable import NewsFormat

/// TCVN3 (ABC) has no upper-case letters with a tone mark: text typed in it writes `ảnh:`, `ở đây`, `ấn độ`
/// where Unicode text has capitals. The capitals that start a line or a sentence are restored, and the
/// structure comes out as from the same article in Unicode.
@Suite struct LostCapitalsTests {
    /// `text` as typed in TCVN3: every capital with a tone mark written in lower case.
    static func typedInTCVN3(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if var vowel = VietnameseLetters.vowel(scalar.value), vowel.isUppercase, vowel.tone != .level {
                vowel.isUppercase = false
                scalars.append(Unicode.Scalar(vowel.scalar)!)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// The byte-level test for a toned capital agrees with the letter tables on every Vietnamese vowel (and on
    /// the letters around them in the same ranges).
    @Test func aTonedCapitalIsFoundByItsBytesExactlyAsTheTablesSayForEveryScalar() {
        for value in UInt32(0xC0)...0x1EFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            var text = "a " + String(scalar) + " b"
            let found = text.withUTF8 { LostCapitals.holdsTonedCapital($0) }
            let vowel = VietnameseLetters.vowel(value)
            #expect(
                found == (vowel.map { $0.isUppercase && $0.tone != .level } ?? false), "U+\(String(value, radix: 16))")
        }
    }

    @Test func theCapitalsThatStartALineOrASentenceAreRestored() throws {
        let text = "ảnh: AP\nđoạn văn. ở đây? ấy! “ủy ban” (ảnh minh họa)… ấn độ\nnói ủy ban, ở đâu"
        let restored = try #require(LostCapitals.restored(text))
        // Mid-sentence, a bracket does not start a sentence (the caption parser takes `ảnh minh họa` as it is).
        #expect(restored.text == "Ảnh: AP\nđoạn văn. Ở đây? Ấy! “Ủy ban” (ảnh minh họa)… Ấn độ\nnói ủy ban, ở đâu")
        #expect(restored.count == 5, "\(restored.text)")
    }

    /// A name the article starts a sentence with is a name inside sentences too; the same word elsewhere is
    /// left alone (`ủy ban xã`, `ấn nút`).
    @Test func aNameWrittenAtASentenceStartIsCapitalizedInsideSentences() throws {
        let text = """
            ấn Độ và Pakistan họp. ủy ban Nhân dân TP cho biết.
            Quan hệ với ấn Độ tốt. Chủ tịch ủy ban Nhân dân TP nói, ủy ban xã họp, ấn nút.
            """
        let restored = try #require(LostCapitals.restored(text))
        #expect(
            restored.text == """
                Ấn Độ và Pakistan họp. Ủy ban Nhân dân TP cho biết.
                Quan hệ với Ấn Độ tốt. Chủ tịch Ủy ban Nhân dân TP nói, ủy ban xã họp, ấn nút.
                """)
        #expect(restored.count == 4)
    }

    /// A credit in brackets inside a sentence keeps its lower case, and is a credit all the same; in prose,
    /// `ảnh:` is not one.
    @Test func aLowerCaseCreditInBracketsIsACredit() {
        #expect(CaptionParser.parse("Người dân xếp hàng chờ mua vàng (ảnh: AP)")?.credit == "AP")
        #expect(CaptionParser.parse("ảnh: Văn phòng Tổng thống")?.credit == "Văn phòng Tổng thống")
        #expect(CaptionParser.parse("Hà Nội năm 1990 (ảnh tư liệu: TTXVN)")?.credit == "TTXVN")
        #expect(CaptionParser.parse("Bức ảnh: một người đứng") == nil)
    }

    @Test(arguments: [
        "Ảnh: AP. ở đây",  // a toned capital: the text had them to lose
        "nói ủy ban, ở đâu",  // mid-sentence
        "iPhone. ông Zelensky",  // no tone lost: TCVN3 has Ô
    ])
    func textWithoutTheSymptomOrWithoutASentenceStartIsLeftAlone(text: String) {
        #expect(LostCapitals.restored(text) == nil)
    }

    @Test func aRestoredCapitalIsAWarningAndTheCreditIsFound() throws {
        let text =
            "Tiêu đề\n\nHà Nội - Mở đầu.\n\nTổng thống Zelensky. ảnh: Văn phòng Tổng thống\n\n(ảnh: AP)\n\nđoạn cuối. ở đây.\n"
        let parsed = try ArticleParser().parse(LegacyEncoder.encode(text, as: .tcvn3))
        #expect(parsed.encoding == .tcvn3)
        #expect(parsed.captions.map(\.credit) == ["Văn phòng Tổng thống", "AP"], "\(parsed.captions)")
        #expect(parsed.warnings.contains("capitals_restored:3"), "\(parsed.warnings)")
    }

    /// The generated articles, typed in TCVN3 as its users type (toned capitals in lower case), give the
    /// structure the same articles give in Unicode: title, lead, paragraphs, captions with their credits,
    /// byline, compared without regard to case.
    @Test func articlesTypedInTCVN3HaveTheStructureTheyHaveInUnicode() throws {
        let parser = ArticleParser()
        var generator = ArticleGenerator(seed: 91)
        var compared = 0
        while compared < 60 {
            // Those the generator writes for TCVN3: its punctuation is what the table holds.
            let article = generator.next()
            guard article.encoding == .tcvn3 else { continue }
            compared += 1
            let text = article.cleanText
            let unicode = try parser.parse(Array(text.utf8))
            let legacy = try parser.parse(LegacyEncoder.encode(Self.typedInTCVN3(text), as: .tcvn3))
            func folded(_ text: String?) -> String? { text?.lowercased() }
            #expect(folded(legacy.title) == folded(unicode.title), "\(text)")
            #expect(folded(legacy.lead) == folded(unicode.lead), "\(text)")
            #expect(legacy.paragraphs.map { $0.lowercased() } == unicode.paragraphs.map { $0.lowercased() }, "\(text)")
            #expect(
                legacy.captions.map { [$0.text.lowercased(), $0.credit?.lowercased() ?? "-"] }
                    == unicode.captions.map { [$0.text.lowercased(), $0.credit?.lowercased() ?? "-"] }, "\(text)")
            #expect(folded(legacy.byline) == folded(unicode.byline), "\(text)")
        }
    }
}
