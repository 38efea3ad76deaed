/// Recognises the byline or credit line that ends an article: `THANH VÂN`, `Theo Reuters`, `(Theo CNN)`,
/// `Nguyễn Phương (Theo CNN)`, `Tin, ảnh: Minh Anh`, `PV`, `Nhóm PV`.
enum BylineParser {
    /// The byline as it should be recorded (outer parentheses and final period removed), or `nil`.
    static func parse(_ block: String) -> String? {
        guard block.utf8.count <= 120 else { return nil }
        var text = block.trimmingTrailing(" .")
        if text.utf8.first == UInt8(ascii: "("), text.utf8.last == UInt8(ascii: ")"),
            !text.utf8.dropFirst().contains(UInt8(ascii: "("))
        {
            text = String(text.dropFirst().dropLast()).trimmingCharacters(" ")
        }
        guard !text.isEmpty else { return nil }
        let words = text.withUTF8Bytes { TextFeatures.countScalarsAndWords($0).spaceSeparatedWords }
        // "Theo Reuters", "Theo báo Tuổi Trẻ", "Nguyễn Phương (Theo CNN)"
        if (text.hasPrefix("Theo ") || text.hasPrefix("theo ")) && words <= 8 { return text }
        if text.utf8.last == UInt8(ascii: ")"), let open = text.lastIndex(of: "("),
            text[text.index(after: open)...].hasPrefix("Theo ") || text[text.index(after: open)...].hasPrefix("theo "),
            words <= 10
        {
            return text
        }
        if text.hasPrefix("Tin, ảnh:") || text.hasPrefix("Tin và ảnh:") || text.hasPrefix("Bài, ảnh:") {
            return text
        }
        if text == "PV" || text == "Nhóm PV" || text.hasPrefix("Nhóm phóng viên") { return text }
        // Upper-case names: "THANH VÂN", "NGUYỄN HẢI - THU HÀ". At least two letters, no lower case, no
        // sentence punctuation. Most last blocks are sentences: ASCII bytes rule them out before any scalar
        // property is looked up.
        guard words <= 8,
            !text.utf8.contains(where: { (0x61...0x7A).contains($0) || Self.sentencePunctuation.contains($0) })
        else { return nil }
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }
        guard letters.count >= 2, letters.contains(where: { $0.properties.isUppercase }),
            letters.allSatisfy({ !$0.properties.isLowercase || Self.mayBeALostCapital($0.value) })
        else { return nil }
        return text
    }

    /// True for a lower-case vowel with a tone mark: TCVN3 has no capital for it, so `NGUYỄN HẢI` typed in it
    /// is `NGUYễN HảI`, still a name in capitals.
    private static func mayBeALostCapital(_ scalar: UInt32) -> Bool {
        guard let vowel = VietnameseLetters.vowel(scalar) else { return false }
        return vowel.tone != .level
    }

    /// `.!?:;` as bytes.
    private static let sentencePunctuation: [UInt8] = Array(".!?:;".utf8)
}
