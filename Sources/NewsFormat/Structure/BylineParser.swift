/// Recognises the byline or credit line that ends an article: `THANH VÂN`, `Theo Reuters`, `(Theo CNN)`,
/// `Nguyễn Phương (Theo CNN)`, `Tin, ảnh: Minh Anh`, `PV`, `Nhóm PV`.
enum BylineParser {
    /// The byline as it should be recorded (outer parentheses and final period removed), or `nil`.
    static func parse(_ block: String) -> String? {
        guard block.utf8.count <= 120 else { return nil }
        var text = block.trimmingTrailing(" .")
        if text.hasPrefix("("), text.hasSuffix(")"), !text.dropFirst().contains("(") {
            text = String(text.dropFirst().dropLast()).trimmingCharacters(" ")
        }
        guard !text.isEmpty else { return nil }
        let words = text.split(separator: " ")
        // "Theo Reuters", "Theo báo Tuổi Trẻ", "Nguyễn Phương (Theo CNN)"
        if (text.hasPrefix("Theo ") || text.hasPrefix("theo ")) && words.count <= 8 { return text }
        if text.hasSuffix(")"), let open = text.lastIndex(of: "("),
            text[text.index(after: open)...].hasPrefix("Theo ") || text[text.index(after: open)...].hasPrefix("theo "),
            words.count <= 10
        {
            return text
        }
        if text.hasPrefix("Tin, ảnh:") || text.hasPrefix("Tin và ảnh:") || text.hasPrefix("Bài, ảnh:") {
            return text
        }
        if text == "PV" || text == "Nhóm PV" || text.hasPrefix("Nhóm phóng viên") { return text }
        // Upper-case names: "THANH VÂN", "NGUYỄN HẢI - THU HÀ". At least two letters, no lower case.
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }
        if words.count <= 8, letters.count >= 2, letters.allSatisfy({ !$0.properties.isLowercase }),
            !text.contains(where: { ".!?:;".contains($0) })
        {
            return text
        }
        return nil
    }
}
