import ArticleFixtures
import Testing

@testable import NewsFormat

@Suite struct DuplicateParagraphsTests {
    /// Paragraphs that share length and both ends but differ inside, repeats of each, and short ones: the
    /// paragraphs kept are exactly the first of each distinct text, as a plain set of texts keeps them.
    @Test func keepsTheFirstOfEachTextAsASetWould() {
        var generator = SplitMix64(seed: 3)
        var texts: [String] = []
        for _ in 0..<2_000 {
            switch generator.next() % 4 {
            case 0: texts.append("Mở đầu giống nhau \(generator.next() % 40) kết thúc giống nhau.")
            case 1: texts.append(["a", "ả", "b", "", "ab"][Int(generator.next() % 5)])
            case 2 where !texts.isEmpty: texts.append(texts[Int(generator.next() % UInt64(texts.count))])
            default: texts.append("Đoạn \(generator.next() % 300) về Hà Nội.")
            }
        }
        var repeats = DuplicateParagraphs(expected: texts.count)
        var kept: [String] = []
        var seen = Set<String>()
        var expected: [String] = []
        for text in texts {
            if !repeats.isRepeated(text, among: kept) { kept.append(text) }
            if seen.insert(text).inserted { expected.append(text) }
        }
        #expect(kept == expected)
    }
}
