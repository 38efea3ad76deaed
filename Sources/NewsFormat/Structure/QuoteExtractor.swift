/// Finds quoted passages: text between curly quotes `“…”`, or between pairs of straight quotes `"…"`
/// within one paragraph (a quote left open at a line's end is dropped).
enum QuoteExtractor {
    /// The quoted passages of `paragraph` (or of paragraphs joined by line feeds), in order, without their
    /// quote marks.
    static func quotes(in paragraph: String) -> [String] {
        paragraph.withUTF8Bytes { bytes in
            var quotes: [String] = []
            var index = 0
            var straightStart: Int?
            var curlyStart: Int?
            let count = bytes.count
            while index < count {
                // Bytes other than `"`, E2 (which leads `“` and `”`) and line feeds are skipped sixteen at a time.
                index = bytes.firstOffset(from: index) { lanes in
                    SixteenBytes.bytes(lanes, equalTo: 0x22) | SixteenBytes.bytes(lanes, equalTo: 0xE2)
                        | SixteenBytes.bytes(lanes, equalTo: 0x0A)
                }
                guard index < count else { break }
                let byte = bytes[index]
                if byte == 0x0A {
                    straightStart = nil
                    curlyStart = nil
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    if let start = straightStart {
                        append(bytes, start..<index, of: paragraph, to: &quotes)
                        straightStart = nil
                    } else if curlyStart == nil {
                        straightStart = index + 1
                    }
                    index += 1
                } else if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80,
                    bytes[index + 2] == 0x9C || bytes[index + 2] == 0x9D
                {
                    if bytes[index + 2] == 0x9C {  // “
                        if curlyStart == nil, straightStart == nil { curlyStart = index + 3 }
                    } else if let start = curlyStart {  // ”
                        append(bytes, start..<index, of: paragraph, to: &quotes)
                        curlyStart = nil
                    }
                    index += 3
                } else {
                    index += 1
                }
            }
            return quotes
        }
    }

    /// Appends bytes `range` of `paragraph`, without spaces at either end. The range lies between ASCII or
    /// whole quote marks, so it lies on scalar boundaries.
    private static func append(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        of paragraph: String,
        to quotes: inout [String]
    ) {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower] == 0x20 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 { upper -= 1 }
        if lower < upper { quotes.append(paragraph.copy(utf8Offsets: lower..<upper)) }
    }
}
