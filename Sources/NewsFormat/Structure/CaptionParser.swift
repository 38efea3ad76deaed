/// Recognises photo captions by their credit: `(Ảnh: AP)`, `Ảnh: Văn phòng Tổng thống Ukraine.`,
/// `Ảnh minh họa`, `(Ảnh minh hoạ)`, a trailing ` - Nguyễn Tú` photographer.
enum CaptionParser {
    /// Longest caption taken as one; a longer block is prose that happens to mention a photo.
    static let maximumLength = 400

    private static let illustrationMarkers = ["Ảnh minh họa", "Ảnh minh hoạ", "ảnh minh họa", "ảnh minh hoạ"]
    private static let creditMarkers = ["Ảnh:", "Ảnh :", "Nguồn ảnh:", "Ảnh tư liệu:", "Photo:"]
    /// `Ảnh:` with the capital TCVN3 cannot write, taken where no sentence would hold it: at the start of the
    /// block or after an opening bracket (`Người dân xếp hàng (ảnh: AP)`).
    private static let lowerCaseCreditMarkers = ["ảnh:", "ảnh :", "ảnh tư liệu:"]

    /// The caption's text and credit, or `nil` when the block is not a caption.
    static func parse(_ block: String) -> (text: String, credit: String?)? {
        guard block.utf8.count <= maximumLength else { return nil }
        // Every credit marker holds one of these; most blocks hold none and skip the marker searches.
        guard mayHoldCreditMarker(block) else {
            return trailingPhotographer(block)
        }
        // "(Ảnh minh họa)", "Ảnh minh họa: X", "Ảnh minh họa - X"
        for marker in illustrationMarkers {
            guard let range = block.firstUTF8Range(of: marker, atWordStart: true),
                block.unicodeScalars[range.upperBound...].first.map({ WordBoundaries.isSeparator($0.value) }) ?? true
            else { continue }
            var before = String(block[..<range.lowerBound])
            var after = String(block[range.upperBound...])
            if before.hasSuffix("(") {
                before.removeLast()
                if let close = after.firstIndex(of: ")") { after = String(after[after.index(after: close)...]) }
            }
            let credit = cleanCredit(after.trimmingLeading(" :-–—"))
            return (cleanText(before), credit)
        }
        for marker in creditMarkers + lowerCaseCreditMarkers {
            guard let range = block.firstUTF8Range(of: marker, atWordStart: true) else { continue }
            var before = String(block[..<range.lowerBound])
            if lowerCaseCreditMarkers.contains(marker), !before.isEmpty, !before.hasSuffix("(") { continue }
            var credit = String(block[range.upperBound...])
            if before.hasSuffix("(") {
                before.removeLast()
                guard let close = credit.lastIndex(of: ")") else { return nil }
                guard credit[credit.index(after: close)...].trimmingCharacters(" .").isEmpty else { return nil }
                credit = String(credit[..<close])
            }
            guard let cleaned = cleanCredit(credit) else { return nil }
            return (cleanText(before), cleaned)
        }
        return trailingPhotographer(block)
    }

    /// True when the block may hold a credit marker: `ảnh`/`Ảnh` followed by `:`, ` :`, ` minh` or
    /// ` tư liệu`, or `Photo:`. The common word `ảnh hưởng` does not count, so body paragraphs skip the
    /// marker searches. The bytes looked for (`A2`/`A3` ending `Ả`/`ả`, and `P`) are found with `memchr`.
    ///
    /// Every marker that ``parse(_:)`` takes holds a colon or `minh` (`Ảnh minh họa`), and most paragraphs
    /// hold neither: that is looked at first. The last bytes of `ả` and `Ả` (`A3`, `A2`) also end `ã`, `â`
    /// and the `ợ` of `được`, so searching for them stops at nearly every word.
    private static func mayHoldCreditMarker(_ block: String) -> Bool {
        var block = block
        return block.withUTF8 { bytes in
            var hasColonOrMinh = false
            bytes.forEachOffset(of: UInt8(ascii: ":")) { _ in
                hasColonOrMinh = true
                return false
            }
            if !hasColonOrMinh {
                bytes.forEachOffset(of: UInt8(ascii: "m")) { index in
                    hasColonOrMinh = UnsafeBufferPointer(rebasing: bytes[index...]).starts(with: "minh".utf8)
                    return !hasColonOrMinh
                }
            }
            guard hasColonOrMinh else { return false }
            for lastByte: UInt8 in [0xA2, 0xA3] {
                var found = false
                bytes.forEachOffset(of: lastByte) { index in
                    guard index >= 2, bytes[index - 1] == 0xBA, bytes[index - 2] == 0xE1 else { return true }
                    let after = UnsafeBufferPointer(rebasing: bytes[(index + 1)...])
                    found =
                        after.starts(with: "nh:".utf8) || after.starts(with: "nh :".utf8)
                        || after.starts(with: "nh minh".utf8) || after.starts(with: "nh tư liệu".utf8)
                    return !found
                }
                if found { return true }
            }
            var found = false
            bytes.forEachOffset(of: UInt8(ascii: "P")) { index in
                found = UnsafeBufferPointer(rebasing: bytes[index...]).starts(with: "Photo:".utf8)
                return !found
            }
            return found
        }
    }

    /// `Lực lượng cứu hộ tại hiện trường - Nguyễn Tú`: a short line without a final period ending in a dash
    /// and two to four capitalised words.
    private static func trailingPhotographer(_ block: String) -> (text: String, credit: String?)? {
        guard block.utf8.count <= 200, let last = block.lastScalarValue, !Punctuation.endsSentence(last)
        else { return nil }
        guard let dash = block.lastUTF8Range(of: " - ") ?? block.lastUTF8Range(of: " – ")
        else { return nil }
        let name = block[dash.upperBound...]
        let words = name.split(separator: " ")
        guard (2...4).contains(words.count), words.allSatisfy({ $0.first!.isUppercase }),
            !block[..<dash.lowerBound].isEmpty
        else { return nil }
        return (String(block[..<dash.lowerBound]), String(name))
    }

    private static func cleanText(_ text: String) -> String {
        text.trimmingCharacters(" -–—")
    }

    private static func cleanCredit(_ credit: String) -> String? {
        var value = credit.trimmingCharacters(" ")
        if value.hasPrefix("("), value.hasSuffix(")") { value = String(value.dropFirst().dropLast()) }
        value = value.trimmingTrailing(" .")
        value = value.trimmingCharacters(" ")
        return value.isEmpty ? nil : value
    }
}
