/// Strict decoding of one UTF-8 scalar from bytes (shortest form, no surrogates, at most U+10FFFF).
enum UTF8Scalar {
    /// The scalar starting at `index` and its length in bytes, or `nil` when the bytes there are not valid UTF-8.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length: Int
        let minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: (length, minimum, value) = (2, 0x80, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, minimum, value) = (3, 0x800, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, minimum, value) = (4, 0x10000, UInt32(lead & 0x07))
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return nil }
        return (value, length)
    }
}

extension UTF8Scalar {
    /// The scalar starting at `index` and its length, for bytes known to be valid UTF-8 (a `String`'s own).
    ///
    /// No checks beyond the buffer's end: the hot passes over normalized text use it.
    @inline(__always)
    static func decodeValid(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let count = bytes.count
        if lead < 0xE0, index + 1 < count {
            return (UInt32(lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F), 2)
        }
        if lead < 0xF0, index + 2 < count {
            return (
                UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F), 3
            )
        }
        if index + 3 < count {
            let high = UInt32(lead & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
            return (high | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F), 4)
        }
        return (0xFFFD, 1)
    }
}

extension UTF8Scalar {
    /// The length of the scalar a byte starts, for valid UTF-8: 1 for ASCII (and, harmlessly, continuation
    /// bytes), 2, 3 or 4.
    @inline(__always)
    static func length(leadByte byte: UInt8) -> Int {
        // 0xxx xxxx, 10xx xxxx → 1; 110x xxxx → 2; 1110 xxxx → 3; 1111 0xxx → 4. Packed two bits per high nibble.
        let table: UInt32 = 0b11_10_01_01_00_00_00_00_00_00_00_00_00_00_00_00
        return Int((table >> (UInt32(byte >> 4) * 2)) & 3) + 1
    }

    /// The scalar at `index` of valid UTF-8 and its length, without a branch on the length (in Vietnamese
    /// text ASCII and multi-byte letters alternate unpredictably). Requires `index + 2 < bytes.count`;
    /// four-byte scalars take a (rare) branch.
    @inline(__always)
    static func decodeWithoutBranching(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let first = bytes[index]
        let second = UInt32(bytes[index + 1] & 0x3F)
        let third = UInt32(bytes[index + 2] & 0x3F)
        let length = self.length(leadByte: first)
        let twoByte = UInt32(first & 0x1F) << 6 | second
        let threeByte = UInt32(first & 0x0F) << 12 | second << 6 | third
        var scalar = length == 1 ? UInt32(first) : twoByte
        scalar = length == 3 ? threeByte : scalar
        if length == 4 { return decodeValid(bytes, at: index) }
        return (scalar, length)
    }
}
