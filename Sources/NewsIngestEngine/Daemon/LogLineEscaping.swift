/// Keeps one log event on one line: control characters in a message or a metadata value (a file name may hold
/// a line feed) are written as escapes, so nothing a drop directory or a remote page holds can start a line of
/// its choosing in the log.
enum LogLineEscaping {
    /// `text` with line feeds, carriage returns and tabs as `\n`, `\r`, `\t`, the other C0 controls and DEL as
    /// `\xNN`, and the C1 controls and the Unicode line and paragraph separators as `\u{NNNN}`. Backslashes
    /// are left as they are. Linear; text with none of these (nearly every line) is returned as it is.
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x00..<0x20, 0x7F: result += "\\x" + hex(scalar.value, digits: 2)
            case 0x80..<0xA0, 0x2028, 0x2029: result += "\\u{" + hex(scalar.value, digits: 4) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
