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

    /// True when the block may hold a credit marker. Every marker that ``parse(_:)`` takes is a colon after
    /// `ảnh`, `Ảnh`, `Photo` or `liệu` (`Ảnh tư liệu:`), with or without a space between, or `ảnh minh`/`Ảnh
    /// minh`: so the colons are found with `memchr` and the bytes before each compared, and each `mi` (rare in
    /// Vietnamese, found sixteen bytes at a time) is checked for `ảnh minh`.
    private static func mayHoldCreditMarker(_ block: String) -> Bool {
        block.withUTF8Bytes { bytes in
            var found = false
            bytes.forEachOffset(of: UInt8(ascii: ":")) { colon in
                var end = colon
                if end > 0, bytes[end - 1] == 0x20 { end -= 1 }
                let before = UnsafeBufferPointer(rebasing: bytes[..<end])
                found = colonMarkerEndings.contains { before.ends(with: $0) }
                return !found
            }
            if found { return true }
            var start = 0
            while case let offset = bytes.firstOffset(ofPair: UInt8(ascii: "m"), UInt8(ascii: "i"), from: start),
                offset < bytes.count
            {
                let before = UnsafeBufferPointer(rebasing: bytes[..<offset])
                if UnsafeBufferPointer(rebasing: bytes[offset...]).starts(with: "minh".utf8),
                    before.ends(with: lowerCaseAnhAndSpace) || before.ends(with: upperCaseAnhAndSpace)
                {
                    return true
                }
                start = offset + 1
            }
            return false
        }
    }

    /// `ảnh` and `Ảnh` (`E1 BA A3`/`A2`, then `nh`), as UTF-8.
    private static let lowerCaseAnh = Array("ảnh".utf8)
    private static let upperCaseAnh = Array("Ảnh".utf8)
    /// What a colon of a credit marker follows: `ảnh:`, `Ảnh :`, `Photo:`, `Ảnh tư liệu:`.
    private static let colonMarkerEndings = [lowerCaseAnh, upperCaseAnh, Array("Photo".utf8), Array("liệu".utf8)]
    /// What `minh` follows in `ảnh minh`, `Ảnh minh`.
    private static let lowerCaseAnhAndSpace = Array("ảnh ".utf8)
    private static let upperCaseAnhAndSpace = Array("Ảnh ".utf8)

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
