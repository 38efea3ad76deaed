import Testing

@testable import NewsFormat

/// `ngh`/`gh`/`k` before `e`, `ê`, `i` (`k` before `y` too), `ng`/`g`/`c` before the other vowels: real
/// misspellings repaired, in every style and letter case; names, loanwords, acronyms, URLs and plain-ASCII
/// words (but `nge`, `ngi`) left alone.
@Suite struct OnsetSpellingTests {
    func normalized(_ text: String, _ style: ToneStyle = .press) -> (String, NormalizationReport) {
        let result = TextNormalizer(toneStyle: style).normalize(text)
        return (result.text, result.report)
    }

    @Test(arguments: [
        ("nghành", "ngành"), ("nghã", "ngã"), ("nghạch", "ngạch"), ("nghười", "người"), ("nghọt", "ngọt"),
        ("ghà", "gà"), ("ghọi", "gọi"), ("ghặp", "gặp"), ("ngẽ", "nghẽ"), ("ngề", "nghề"), ("ngỉ", "nghỉ"),
        ("ngiêm", "nghiêm"), ("gế", "ghế"), ("gẹ", "ghẹ"), ("kủa", "của"), ("kòn", "còn"), ("kấp", "cấp"),
        ("cế", "kế"), ("cỹ", "kỹ"), ("cịp", "kịp"),
        ("Nghành", "Ngành"), ("NGHÀNH", "NGÀNH"), ("NGẼ", "NGHẼ"), ("Ngẽ", "Nghẽ"), ("KỦA", "CỦA"), ("Cế", "Kế"),
        ("nGhành", "nGành"), ("nge", "nghe"), ("Nge", "Nghe"), ("ngi", "nghi"),
    ])
    func anOnsetSpelledAgainstItsVowelIsRepaired(input: String, expected: String) {
        for style in ToneStyle.allCases {
            let (text, report) = normalized(input, style)
            #expect(text == expected, "\(style)")
            #expect(report.onsetSpellingsRepaired == 1, "\(style)")
        }
    }

    @Test func theToneGoesWhereTheStylePutsItAfterTheOnsetIsRepaired() {
        #expect(normalized("nghoà ghoè", .press).0 == "ngòa gòe")
        #expect(normalized("nghòa ghòe", .modern).0 == "ngoà goè")
    }

    @Test(arguments: [
        // Not syllables once repaired: names and loanwords.
        "Kabul", "Ghana", "Kuala", "Kôngô", "Céline", "Nguyễn", "Kiev", "Coca",
        // Spelled right already.
        "ngành", "nghề", "ghế", "gì", "giá", "gìn", "kỹ", "kế", "của", "quý", "khá", "chè", "nghiêng",
        // Plain ASCII, but for `ng` before `e`, `i`: an abbreviation, slang (`ko` for `không`), or a foreign
        // word (`get` would be `ghet`), never respelled.
        "ko", "ka", "KE", "Cy", "get", "gem", "cyber", "kan", "Ngo",
        // Addresses.
        "https://nghành.vn/kủa", "kủa@example.vn", "www.nghành.vn",
    ])
    func wordsThatMustNotChangeStayAsTheyAre(token: String) {
        for style in ToneStyle.allCases {
            #expect(normalized(token, style).0 == token, "\(style)")
        }
    }

    @Test func aRepairedOnsetIsAWarningOfTheRecord() throws {
        let parsed = try ArticleParser().parse(Array("Tiêu đề\n\nCác nghành kinh tế kủa Hà Nội.\n".utf8))
        #expect(parsed.lead == "Các ngành kinh tế của Hà Nội.")
        #expect(parsed.warnings.contains("onset_spelling_repaired:2"), "\(parsed.warnings)")
    }
}
