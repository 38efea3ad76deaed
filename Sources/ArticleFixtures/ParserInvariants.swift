import NewsFormat

/// What must hold for any input bytes, checked by the fuzzer and by the corpus replay in the tests.
public enum ParserInvariants {
    /// Parses `bytes` in each tone style and returns the invariants that failed (empty when all hold):
    /// a record is exactly one JSON line, and normalizing a record's text again changes nothing. Rejecting the
    /// input with an ``ArticleParseError`` is allowed; crashing or hanging is what the caller detects.
    public static func violations(for bytes: [UInt8]) -> [String] {
        var violations: [String] = []
        for style in [ToneStyle.press, .modern, .keep] {
            guard let article = try? ArticleParser(toneStyle: style).parse(bytes) else { continue }
            let line = ArticleRecord(
                article: article,
                source: .standardInput(size: bytes.count),
                ingestedAt: Timestamp(millisecondsSince1970: 0)
            ).jsonLine()
            if line.last != 0x0A || line.dropLast().contains(0x0A) {
                violations.append("\(style): the record is not exactly one line")
            }
            for field in [article.text, article.title ?? ""] + article.captions.map(\.text) {
                let again = TextNormalizer(toneStyle: style).normalize(field).text
                if again != field {
                    violations.append(
                        "\(style): normalizing \(field.debugDescription) again gave \(again.debugDescription)")
                }
            }
        }
        return violations
    }
}
