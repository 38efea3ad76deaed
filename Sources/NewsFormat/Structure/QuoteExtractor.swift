/// Finds quoted passages: text between curly quotes `“…”`, or between pairs of straight quotes `"…"`
/// within one paragraph.
enum QuoteExtractor {
    private static let open: [UInt8] = Array("“".utf8)
    private static let close: [UInt8] = Array("”".utf8)

    /// The quoted passages of `paragraph`, in order, without their quote marks.
    static func quotes(in paragraph: String) -> [String] {
        let bytes = Array(paragraph.utf8)
        var quotes: [String] = []
        var index = 0
        var straightStart: Int?
        var curlyStart: Int?
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\"") {
                if let start = straightStart {
                    append(bytes[start..<index], to: &quotes)
                    straightStart = nil
                } else if curlyStart == nil {
                    straightStart = index + 1
                }
                index += 1
            } else if bytes[index...].starts(with: open) {
                if curlyStart == nil, straightStart == nil { curlyStart = index + open.count }
                index += open.count
            } else if bytes[index...].starts(with: close) {
                if let start = curlyStart {
                    append(bytes[start..<index], to: &quotes)
                    curlyStart = nil
                }
                index += close.count
            } else {
                index += 1
            }
        }
        return quotes
    }

    private static func append(_ bytes: ArraySlice<UInt8>, to quotes: inout [String]) {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(" ")
        if !text.isEmpty { quotes.append(text) }
    }
}
