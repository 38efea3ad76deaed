/// Finds day/month mentions in Vietnamese text: `6/12`, `6/12/2024`, `ngày 6/12`, `6-12`, and the long form
/// `ngày 6 tháng 12 (năm 2024)`.
///
/// A number pair must form a real day and month, and must not be part of a longer number (`1/2/3/4`,
/// `50/50`, a fraction in `3,5/10`).
enum DateExtractor {
    private static let dayWord: [UInt8] = [0x6E, 0x67, 0xC3, 0xA0, 0x79, 0x20]  // "ngày "
    private static let monthWord: [UInt8] = [0x20, 0x74, 0x68, 0xC3, 0xA1, 0x6E, 0x67, 0x20]  // " tháng "
    private static let yearWord: [UInt8] = [0x20, 0x6E, 0xC4, 0x83, 0x6D, 0x20]  // " năm "

    /// The date mentions of `text`, in order.
    static func dates(in text: String) -> [DateMention] {
        text.withUTF8Bytes { dates(inUTF8: $0) }
    }

    private static func dates(inUTF8 bytes: UnsafeBufferPointer<UInt8>) -> [DateMention] {
        var mentions: [DateMention] = []
        var index = 0
        while index < bytes.count {
            // Most bytes are not digits: skipped sixteen at a time.
            index = bytes.firstOffset(from: index) { SixteenBytes.asciiBytes($0, from: 0x30, through: 0x39) }
            guard index < bytes.count else { break }
            guard index == 0 || !isNumberPart(bytes[index - 1]) else {
                index += 1
                continue
            }
            if let mention = mention(in: bytes, at: index) {
                mentions.append(mention.date)
                index = mention.end
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
        }
        return mentions
    }

    private static func mention(in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (date: DateMention, end: Int)? {
        var index = start
        guard let day = number(bytes, &index, maxDigits: 2), (1...31).contains(day) else { return nil }
        var month: Int?
        var year: Int?
        if index < bytes.count, bytes[index] == UInt8(ascii: "/") || bytes[index] == UInt8(ascii: "-") {
            let separator = bytes[index]
            index += 1
            guard let value = number(bytes, &index, maxDigits: 2), (1...12).contains(value) else { return nil }
            month = value
            if index + 1 < bytes.count, bytes[index] == separator, isDigit(bytes[index + 1]) {
                index += 1
                let yearStart = index
                guard let value = number(bytes, &index, maxDigits: 4) else { return nil }
                let digits = index - yearStart
                guard digits == 2 || digits == 4 else { return nil }
                year = digits == 2 ? 2000 + value : value
            }
            // "1/2/3/4", "6/12/" and "6/12,5": part of something else.
            if index < bytes.count,
                bytes[index] == separator
                    || (isNumberPart(bytes[index]) && bytes[index] != UInt8(ascii: ".")
                        && bytes[index] != UInt8(ascii: ","))
            {
                return nil
            }
            if separator == UInt8(ascii: "-"), !precededByDayWord(bytes, start) { return nil }
        } else if bytes[index...].starts(with: monthWord), precededByDayWord(bytes, start) {
            index += monthWord.count
            guard let value = number(bytes, &index, maxDigits: 2), (1...12).contains(value) else { return nil }
            month = value
            if bytes[index...].starts(with: yearWord) {
                var yearIndex = index + yearWord.count
                if let value = number(bytes, &yearIndex, maxDigits: 4), yearIndex - index - yearWord.count == 4 {
                    year = value
                    index = yearIndex
                }
            }
        }
        guard let month else { return nil }
        let textStart = precededByDayWord(bytes, start) ? start - dayWord.count : start
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[textStart..<index]), as: UTF8.self)
        return (DateMention(text: text, day: day, month: month, year: year), index)
    }

    private static func precededByDayWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        guard start >= dayWord.count else { return false }
        let candidate = bytes[(start - dayWord.count)..<start]
        guard candidate.elementsEqual(dayWord) || candidate.elementsEqual(Array("Ngày ".utf8)) else { return false }
        let before = start - dayWord.count - 1
        return before < 0 || bytes[before] == 0x20 || bytes[before] < 0x41
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, maxDigits: Int) -> Int? {
        var value = 0
        var digits = 0
        while index < bytes.count, isDigit(bytes[index]) {
            guard digits < maxDigits else { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Digits and the separators that continue a number (`1.000`, `3,5`, `1/2`).
    @inline(__always) private static func isNumberPart(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "-")
    }
}
