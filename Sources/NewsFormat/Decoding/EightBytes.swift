/// Tests on eight bytes at once, in one `UInt64` (SWAR): hot loops skip runs of bytes that need nothing.
///
/// Each mask has the high bit set in the bytes that pass (little-endian: byte 0 is the lowest). The tests are
/// exact per byte, with no carries between bytes, so `trailingZeroBitCount >> 3` of a mask is the offset of
/// the first byte that passes (8 when none does).
enum EightBytes {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Eight bytes from `base + offset`, unaligned.
    @inline(__always)
    static func load(_ base: UnsafePointer<UInt8>, at offset: Int) -> UInt64 {
        UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
    }

    /// The bytes of `word` equal to zero.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        let lowSevenBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & lowSevenBits) &+ lowSevenBits) | word) & highBits
    }

    /// The bytes of `word` equal to `byte`.
    @inline(__always)
    static func bytes(_ word: UInt64, equalTo byte: UInt8) -> UInt64 {
        zeroBytes(word ^ (ones &* UInt64(byte)))
    }

    /// The ASCII bytes of `word` (below 0x80) from `low` to `high`, both included.
    @inline(__always)
    static func asciiBytes(_ word: UInt64, from low: UInt8, through high: UInt8) -> UInt64 {
        let ascii = word & 0x7F7F_7F7F_7F7F_7F7F
        // For 7-bit values: the high bit of `v + (0x80 - low)` is set when v >= low, that of
        // `v + (0x7F - high)` when v > high.
        let atLeastLow = ascii &+ ones &* UInt64(0x80 - low)
        let aboveHigh = ascii &+ ones &* UInt64(0x7F - high)
        return atLeastLow & ~aboveHigh & ~word & highBits
    }
}
