/// A 64-bit SimHash of a text over syllable shingles, so near-duplicate articles have fingerprints a small
/// Hamming distance apart.
///
/// Method: the text is lowercased and split into syllables (runs of letters and digits; punctuation
/// dropped). Every syllable (weight 1) and every pair of adjacent syllables (weight 2) is a feature, hashed
/// with 64-bit FNV-1a (one step per lowercased scalar) and a SplitMix64 finalizer. For each of the 64 bits,
/// the weights of features with that bit set are added and those without subtracted; the fingerprint has a
/// bit set where the sum is positive.
/// Articles on the same event share names and phrases, so they share many features.
public struct SimHash: Sendable, Equatable, Hashable {
    /// The fingerprint.
    public var value: UInt64

    /// Creates a fingerprint from its value.
    public init(value: UInt64) { self.value = value }

    /// Fingerprints `text` (normalized).
    public init(text: String) {
        self = TextFeatures(text).simhash
    }

    /// Per bit, the total weight of the features that have it set (`positive`) and of all features (`total`):
    /// the classic sum (+weight where set, -weight where not) is `2 × positive - total`.
    ///
    /// Counting is bit-sliced: byte `k` of `lanes[j]` counts bit `j + 8k`, so one feature costs eight
    /// shift-and-add steps on four vector registers instead of sixty-four. A word adds both its features (itself,
    /// weight 1, and the pair it ends, weight 2) in one step. The bytes are flushed into `positive` before they
    /// can overflow.
    struct BitSums {
        var lanes = SIMD8<UInt64>()
        /// The weight of bit `j + 8k` in lane `k` of `positive.slices.j`: a fixed store, no array to check or copy.
        var positive = Counters()
        var total: Int32 = 0
        var sinceFlush: Int32 = 0

        struct Counters {
            var slices = (
                SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>(),
                SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>(), SIMD8<Int32>()
            )
        }

        /// Bit `j + 8k` of `hash` in byte `k` of lane `j`.
        @inline(__always)
        static func spread(_ hash: UInt64) -> SIMD8<UInt64> {
            (SIMD8(repeating: hash) &>> SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7)) & SIMD8(repeating: 0x0101_0101_0101_0101)
        }

        /// Adds a feature of weight 1.
        @inline(__always)
        mutating func add(_ hash: UInt64) {
            lanes &+= Self.spread(hash)
            count(weight: 1)
        }

        /// Adds a feature of weight 1 and one of weight 2 in one step.
        @inline(__always)
        mutating func add(_ hash: UInt64, pair: UInt64) {
            lanes &+= Self.spread(hash) &+ (Self.spread(pair) &<< 1)
            count(weight: 3)
        }

        @inline(__always)
        private mutating func count(weight: Int32) {
            total &+= weight
            sinceFlush &+= weight
            if sinceFlush > 252 { flush() }
        }

        mutating func flush() {
            absorb(lanes)
            lanes = SIMD8()
            sinceFlush = 0
        }

        /// Adds byte counters laid out as ``lanes`` into `positive`: for a caller that counts a run of
        /// features in lanes of its own (and adds their weight to `total` itself).
        mutating func absorb(_ lanes: SIMD8<UInt64>) {
            func widened(_ lane: UInt64) -> SIMD8<Int32> {
                SIMD8<Int32>(
                    Int32(truncatingIfNeeded: lane & 0xFF), Int32(truncatingIfNeeded: (lane >> 8) & 0xFF),
                    Int32(truncatingIfNeeded: (lane >> 16) & 0xFF), Int32(truncatingIfNeeded: (lane >> 24) & 0xFF),
                    Int32(truncatingIfNeeded: (lane >> 32) & 0xFF), Int32(truncatingIfNeeded: (lane >> 40) & 0xFF),
                    Int32(truncatingIfNeeded: (lane >> 48) & 0xFF), Int32(truncatingIfNeeded: lane >> 56))
            }
            positive.slices.0 &+= widened(lanes[0])
            positive.slices.1 &+= widened(lanes[1])
            positive.slices.2 &+= widened(lanes[2])
            positive.slices.3 &+= widened(lanes[3])
            positive.slices.4 &+= widened(lanes[4])
            positive.slices.5 &+= widened(lanes[5])
            positive.slices.6 &+= widened(lanes[6])
            positive.slices.7 &+= widened(lanes[7])
        }

        /// The total weight of the features with bit `bit` set (after ``flush()``).
        func positiveWeight(ofBit bit: Int) -> Int32 {
            let slice: SIMD8<Int32>
            switch bit & 7 {
            case 0: slice = positive.slices.0
            case 1: slice = positive.slices.1
            case 2: slice = positive.slices.2
            case 3: slice = positive.slices.3
            case 4: slice = positive.slices.4
            case 5: slice = positive.slices.5
            case 6: slice = positive.slices.6
            default: slice = positive.slices.7
            }
            return slice[bit >> 3]
        }

        /// A bit is set where the features with it outweigh those without.
        var fingerprint: UInt64 {
            var sums = self
            sums.flush()
            var value: UInt64 = 0
            for bit in 0..<64 where 2 * sums.positiveWeight(ofBit: bit) > sums.total { value |= 1 << UInt64(bit) }
            return value
        }
    }

    /// Number of differing bits: 0 for identical texts, about 32 for unrelated ones.
    public func distance(to other: SimHash) -> Int { (value ^ other.value).nonzeroBitCount }

    /// Sixteen lowercase hex digits.
    public var hex: String { LowercaseHex.text(of: value) }

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always)
    static func combine(_ first: UInt64, _ second: UInt64) -> UInt64 {
        first &* 31 &+ second ^ 0x9E37_79B9_7F4A_7C15
    }

    /// SplitMix64's finalizer: spreads FNV's weak low bits over all 64.
    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
