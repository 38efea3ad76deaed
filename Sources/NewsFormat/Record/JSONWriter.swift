/// Writes JSON into a byte buffer, keys in the order written: records need a fixed key order, which
/// Foundation's encoder does not give, and the hot path wants no intermediate objects.
///
/// The bytes go into one raw allocation, grown by doubling: an array's append checks uniqueness and capacity
/// through calls on every byte and key, which cost a record more than its escaping. Not copyable, so the
/// allocation has one owner, freed with it.
struct JSONWriter: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var needsComma = false

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// What was written.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// Makes room for `more` bytes past ``count``.
    @inline(__always)
    private mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(toHold: count + more) }
    }

    private mutating func grow(toHold needed: Int) {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(needed, capacity * 2))
        grown.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = grown
        capacity = max(needed, capacity * 2)
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress else { return }
        reserve(buffer.count)
        (storage + count).initialize(from: base, count: buffer.count)
        count += buffer.count
    }

    @inline(__always)
    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func beginObject() {
        separate()
        append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":`; the value written next belongs to it.
    mutating func key(_ key: StaticString) {
        separate()
        append(UInt8(ascii: "\""))
        append(key)
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String?) {
        separate()
        guard let value else {
            appendNull()
            return
        }
        value.withUTF8Bytes { appendEscaped($0) }
    }

    /// Writes `value` as an RFC 3339 string (see ``Timestamp/rfc3339``), or `null`.
    mutating func timestamp(_ value: Timestamp?) {
        separate()
        guard let value else {
            appendNull()
            return
        }
        append(UInt8(ascii: "\""))
        var text: [UInt8] = []
        text.reserveCapacity(32)
        value.appendRFC3339(to: &text)
        text.withUnsafeBufferPointer { append($0) }
        append(UInt8(ascii: "\""))
    }

    /// Writes `value` as a string of sixteen lowercase hex digits.
    mutating func hexString(_ value: UInt64) {
        separate()
        append(UInt8(ascii: "\""))
        for shift in stride(from: 60, through: 0, by: -4) {
            append(Self.hexDigit(UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0x0F))
        }
        append(UInt8(ascii: "\""))
    }

    /// Writes `value` as ``string(_:)`` does; returns where its escaped contents (between the quotes) are in
    /// ``bytes``, or `nil` for `null`.
    mutating func stringReturningContents(_ value: String?) -> Range<Int>? {
        guard let value else {
            string(nil)
            return nil
        }
        separate()
        let start = count + 1
        value.withUTF8Bytes { appendEscaped($0) }
        return start..<(count - 1)
    }

    /// Writes a string whose escaped contents are the bytes already written at `ranges`, joined by
    /// `separator` (escaped already).
    mutating func stringOfEscapedContents(_ ranges: [Range<Int>], separator: StaticString) {
        separate()
        let separatorCount = separator.utf8CodeUnitCount
        let total = ranges.reduce(0) { $0 + $1.count } + separatorCount * max(0, ranges.count - 1) + 2
        reserve(total)
        var destination = count
        storage[destination] = UInt8(ascii: "\"")
        destination += 1
        for (index, range) in ranges.enumerated() {
            if index > 0 {
                separator.withUTF8Buffer { separator in
                    if let base = separator.baseAddress {
                        (storage + destination).initialize(from: base, count: separator.count)
                    }
                }
                destination += separatorCount
            }
            // Earlier bytes of the same buffer (`reserve` above moved them with the rest, offsets unchanged).
            (storage + destination).initialize(from: storage + range.lowerBound, count: range.count)
            destination += range.count
        }
        storage[destination] = UInt8(ascii: "\"")
        count = destination + 1
    }

    /// Writes `value` in decimal, or `null`.
    mutating func integer(_ value: Int?) {
        separate()
        guard let value else {
            appendNull()
            return
        }
        if value < 0 { append(UInt8(ascii: "-")) }
        // The magnitude as unsigned, so that `Int.min` has one too.
        let magnitude = value.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor &*= 10 }
        while divisor > 0 {
            append(UInt8(truncatingIfNeeded: 0x30 &+ magnitude / divisor % 10))
            divisor /= 10
        }
    }

    mutating func null() {
        separate()
        appendNull()
    }

    private mutating func appendNull() {
        append("null")
    }

    mutating func newline() { append(0x0A) }

    private mutating func separate() {
        if needsComma { append(UInt8(ascii: ",")) }
        needsComma = true
    }

    /// Quotes and escapes a UTF-8 string: `"` and `\`, control characters, and U+2028/U+2029 (which break
    /// JavaScript readers). Everything else is written as UTF-8, unescaped.
    ///
    /// Eight bytes are tested at a time: runs without a byte that may need escaping are copied whole.
    private mutating func appendEscaped(_ input: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let end = input.count
        while index < end {
            // Jump to the first byte that may need escaping, sixteen bytes at a time.
            index = input.firstOffset(from: index) { Self.mayNeedEscape($0) }
            guard index < end else { break }
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00..<0x20, 0x7F:
                append(UnsafeBufferPointer(rebasing: input[runStart..<index]))
                appendEscape(of: byte)
                index += 1
                runStart = index
            case 0xE2 where index + 2 < end && input[index + 1] == 0x80 && (input[index + 2] | 1) == 0xA9:
                // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
                append(UnsafeBufferPointer(rebasing: input[runStart..<index]))
                append("\\u202")
                append(input[index + 2] == 0xA8 ? 0x38 : 0x39)
                index += 3
                runStart = index
            default:
                index += 1
            }
        }
        append(UnsafeBufferPointer(rebasing: input[runStart..<end]))
        append(UInt8(ascii: "\""))
    }

    /// The bytes of `lanes` that may need escaping (see ``SixteenBytes``): below 0x20, `"`, `\`, DEL, or 0xE2
    /// (the lead byte of U+2028/U+2029, which the byte-wise check tells from other scalars).
    @inline(__always)
    private static func mayNeedEscape(_ lanes: SixteenBytes.Lanes) -> SixteenBytes.Lanes {
        SixteenBytes.asciiBytes(lanes, from: 0x00, through: 0x1F) | SixteenBytes.bytes(lanes, equalTo: 0x22)
            | SixteenBytes.bytes(lanes, equalTo: 0x5C) | SixteenBytes.bytes(lanes, equalTo: 0x7F)
            | SixteenBytes.bytes(lanes, equalTo: 0xE2)
    }

    private mutating func appendEscape(of byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        default:
            append("\\u00")
            append(Self.hexDigit(byte >> 4))
            append(Self.hexDigit(byte & 0x0F))
        }
    }

    /// The lowercase hex digit of `value` (0 to 15).
    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 &+ value : 0x57 &+ value  // "0"..."9", "a"..."f"
    }
}
