/// The tests of ``EightBytes`` on sixteen bytes at once, as two `UInt64` lanes of one SSE2 register: long runs
/// of bytes that need nothing are skipped in half the steps.
///
/// Only lane-wise arithmetic and bit operations are used: Swift compiles those to vector instructions, while
/// its SIMD comparisons become a loop over the lanes. Each mask has the high bit set in the bytes that pass.
enum SixteenBytes {
    typealias Lanes = SIMD2<UInt64>

    /// Sixteen bytes from `base + offset`, unaligned.
    @inline(__always)
    static func load(_ base: UnsafePointer<UInt8>, at offset: Int) -> Lanes {
        UnsafeRawPointer(base + offset).loadUnaligned(as: Lanes.self)
    }

    /// The bytes of `lanes` equal to zero.
    @inline(__always)
    static func zeroBytes(_ lanes: Lanes) -> Lanes {
        let lowSevenBits = Lanes(repeating: 0x7F7F_7F7F_7F7F_7F7F)
        return ~(((lanes & lowSevenBits) &+ lowSevenBits) | lanes) & Lanes(repeating: EightBytes.highBits)
    }

    /// The bytes of `lanes` equal to `byte`.
    @inline(__always)
    static func bytes(_ lanes: Lanes, equalTo byte: UInt8) -> Lanes {
        zeroBytes(lanes ^ Lanes(repeating: EightBytes.ones &* UInt64(byte)))
    }

    /// The ASCII bytes of `lanes` (below 0x80) from `low` to `high`, both included.
    @inline(__always)
    static func asciiBytes(_ lanes: Lanes, from low: UInt8, through high: UInt8) -> Lanes {
        let ascii = lanes & Lanes(repeating: 0x7F7F_7F7F_7F7F_7F7F)
        let atLeastLow = ascii &+ Lanes(repeating: EightBytes.ones &* UInt64(0x80 - low))
        let aboveHigh = ascii &+ Lanes(repeating: EightBytes.ones &* UInt64(0x7F - high))
        return atLeastLow & ~aboveHigh & ~lanes & Lanes(repeating: EightBytes.highBits)
    }

    /// True when no byte passed.
    @inline(__always)
    static func isEmpty(_ mask: Lanes) -> Bool { (mask[0] | mask[1]) == 0 }

    /// The offset of the first byte that passed (16 when none did).
    @inline(__always)
    static func firstOffset(_ mask: Lanes) -> Int {
        mask[0] != 0 ? mask[0].trailingZeroBitCount >> 3 : 8 + mask[1].trailingZeroBitCount >> 3
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The offset of the first byte at or after `start` that `flags` flags (see ``SixteenBytes``), or `count`
    /// when none is: sixteen bytes at a time, the last few from a zero-padded copy whose padding is never
    /// reported.
    @inline(__always)
    func firstOffset(from start: Int, flaggedBy flags: (SixteenBytes.Lanes) -> SixteenBytes.Lanes) -> Int {
        guard let base = baseAddress else { return count }
        var index = start
        while index + 16 <= count {
            let mask = flags(SixteenBytes.load(base, at: index))
            if !SixteenBytes.isEmpty(mask) { return index + SixteenBytes.firstOffset(mask) }
            index += 16
        }
        guard index < count else { return count }
        let valid = count - index
        var tail = SixteenBytes.Lanes()
        Swift.withUnsafeMutableBytes(of: &tail) {
            $0.copyMemory(from: UnsafeRawBufferPointer(start: base + index, count: valid))
        }
        let inTail = SixteenBytes.Lanes(
            valid >= 8 ? ~0 : (1 << UInt64(8 * valid)) &- 1,
            valid > 8 ? (1 << UInt64(8 * (valid - 8))) &- 1 : 0)
        let mask = flags(tail) & inTail
        return SixteenBytes.isEmpty(mask) ? count : index + SixteenBytes.firstOffset(mask)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The offset of the first `first` at or after `start` that `second` follows, or `count`: sixteen
    /// positions at a time, from two loads one byte apart.
    func firstOffset(ofPair first: UInt8, _ second: UInt8, from start: Int) -> Int {
        var index = start
        if let base = baseAddress {
            while index + 17 <= count {
                let pairs =
                    SixteenBytes.bytes(SixteenBytes.load(base, at: index), equalTo: first)
                    & SixteenBytes.bytes(SixteenBytes.load(base, at: index + 1), equalTo: second)
                if !SixteenBytes.isEmpty(pairs) { return index + SixteenBytes.firstOffset(pairs) }
                index += 16
            }
        }
        while index + 1 < count {
            if self[index] == first, self[index + 1] == second { return index }
            index += 1
        }
        return count
    }
}
