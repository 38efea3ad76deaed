import Testing

@testable import NewsFormat

@Suite struct ToneMarksTests {
    func normalized(_ text: String, _ style: ToneStyle = .press) -> String {
        TextNormalizer(toneStyle: style).normalize(text).text
    }

    @Test(arguments: [
        ("hoà thuỷ khoẻ", "hòa thủy khỏe"), ("HOÀ Hoà", "HÒA Hòa"), ("hòa", "hòa"),
        ("Thuỷ điện Hoà Bình", "Thủy điện Hòa Bình"),
    ])
    func pressStylePutsTheToneOnTheFirstVowelOfOpenOaOeUy(input: String, expected: String) {
        #expect(normalized(input, .press) == expected)
    }

    @Test(arguments: [("hòa thủy khỏe", "hoà thuỷ khoẻ"), ("HÒA Hòa", "HOÀ Hoà")])
    func modernStylePutsTheToneOnTheSecondVowel(input: String, expected: String) {
        #expect(normalized(input, .modern) == expected)
    }

    @Test func keepStyleLeavesAllowedPlacementsAlone() {
        #expect(normalized("hòa hoà thủy thuỷ", .keep) == "hòa hoà thủy thuỷ")
    }

    @Test(arguments: ToneStyle.allCases)
    func misplacedMarksAreRepairedInEveryStyle(style: ToneStyle) {
        #expect(normalized("hòan đuợc qúy gía tìên", style) == "hoàn được quý giá tiền")
        #expect(normalized("HÒAN ĐUỢC QÚY GÍA TÌÊN", style) == "HOÀN ĐƯỢC QUÝ GIÁ TIỀN")
        #expect(normalized("Hòan Gía", style) == "Hoàn Giá")
    }

    @Test func closedSyllablesTakeTheToneOnTheLastVowelInEveryStyle() {
        for style in ToneStyle.allCases {
            #expect(normalized("hoàn toán quyết thuyền khuỷu người", style) == "hoàn toán quyết thuyền khuỷu người")
        }
    }

    @Test(arguments: [
        "Zelensky", "IAEA", "COVID-19", "Mátxcơva", "https://vnexpress.net/hoà-bình", "ban.hoà@example.vn", "café",
        "Müller", "www.hoà.vn",
    ])
    func wordsThatAreNotVietnameseSyllablesAreNeverChanged(token: String) {
        for style in ToneStyle.allCases {
            #expect(normalized(token, style) == token)
        }
    }

    @Test func repairsAreCountedRestylingIsNot() {
        let (_, report) = TextNormalizer(toneStyle: .press).normalize("hoà hòan đuợc")
        #expect(report.toneMarksRepaired == 2)
        #expect(report.toneMarksRestyled == 1)
    }

    @Test func ethTypedForDStrokeIsRepairedInsideVietnameseWords() {
        let (text, report) = TextNormalizer().normalize("Ðà Nẵng ðang ÐỨC Ðorđe")
        #expect(text == "Đà Nẵng đang ĐỨC Ðorđe")
        #expect(report.dStrokesRepaired == 3)
    }
}
