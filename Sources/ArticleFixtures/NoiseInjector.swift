import NewsFormat

/// Adds the defects of real input to clean text.
enum NoiseInjector {
    static func apply(
        _ noise: Set<GeneratedArticle.Noise>,
        to text: String,
        random: inout SplitMix64,
        encoding: TextEncoding
    ) -> String {
        var text = text
        if noise.contains(.typos) {
            for typo in SentencePool.typos {
                text = text.replacingOccurrences(typo.right, with: typo.wrong)
            }
        }
        if noise.contains(.ethForD) {
            text = text.replacingOccurrences("Đ", with: "Ð").replacingOccurrences("đ", with: "ð")
        }
        if noise.contains(.doubleSpaces) { text = text.replacingOccurrences(" ", with: "  ") }
        if noise.contains(.nbsp) { text = text.replacingOccurrences(", ", with: ",\u{A0}") }
        if noise.contains(.zeroWidth) { text = text.replacingOccurrences("ng ", with: "ng\u{200B} ") }
        if noise.contains(.softHyphen) { text = text.replacingOccurrences("thống", with: "thố\u{AD}ng") }
        if noise.contains(.nfd) { text = text.decomposedStringWithCanonicalMappingCompat }
        return text
    }
}
