/// Writes JSON into a byte buffer, keys in the order written: records need a fixed key order, which
/// Foundation's encoder does not give, and the hot path wants no intermediate objects.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":`; the value written next belongs to it.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    mutating func string(_ value: String?) {
        separate()
        guard var value else {
            bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])  // null
            return
        }
        value.withUTF8 { appendEscaped($0) }
    }

    mutating func integer<Value: BinaryInteger>(_ value: Value?) {
        separate()
        guard let value else {
            bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            return
        }
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    mutating func newline() { bytes.append(0x0A) }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    /// Quotes and escapes a UTF-8 string: `"` and `\`, control characters, and U+2028/U+2029 (which break
    /// JavaScript readers). Everything else is written as UTF-8, unescaped.
    private mutating func appendEscaped(_ input: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            let escape: [UInt8]?
            switch byte {
            case UInt8(ascii: "\""): escape = [0x5C, 0x22]
            case UInt8(ascii: "\\"): escape = [0x5C, 0x5C]
            case 0x0A: escape = [0x5C, 0x6E]
            case 0x0D: escape = [0x5C, 0x72]
            case 0x09: escape = [0x5C, 0x74]
            case 0x00..<0x20, 0x7F: escape = Array("\\u00".utf8) + Self.hex(byte)
            case 0xE2
            where index + 2 < count && input[index + 1] == 0x80
                && (input[index + 2] == 0xA8 || input[index + 2] == 0xA9):
                escape = Array("\\u202".utf8) + [input[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")]
                bytes.append(contentsOf: input[runStart..<index])
                bytes.append(contentsOf: escape!)
                index += 3
                runStart = index
                continue
            default: escape = nil
            }
            if let escape {
                bytes.append(contentsOf: input[runStart..<index])
                bytes.append(contentsOf: escape)
                runStart = index + 1
            }
            index += 1
        }
        bytes.append(contentsOf: input[runStart..<count])
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hex(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }
}
