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
    /// Counting is bit-sliced: `lanes[j]` holds eight byte counters, for bits `j`, `j + 8`, … `j + 56`, so one
    /// feature costs eight shift-and-add steps instead of sixty-four. The bytes are flushed into `positive`
    /// before they can overflow.
    struct BitSums {
        var lanes = SIMD8<UInt64>()
        var positive = [Int32](repeating: 0, count: 64)
        var total: Int32 = 0
        var sinceFlush: Int32 = 0

        /// Adds a feature of weight `1 << weightShift` (1 or 2): shifts, not multiplications, on all eight
        /// lanes at once.
        @inline(__always)
        mutating func add(_ hash: UInt64, weightShift: UInt64) {
            let slices =
                (SIMD8(repeating: hash) &>> SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7))
                & SIMD8(repeating: 0x0101_0101_0101_0101)
            lanes &+= slices &<< SIMD8(repeating: weightShift)
            let weight = Int32(1) << Int32(weightShift)
            total &+= weight
            sinceFlush &+= weight
            if sinceFlush > 250 { flush() }
        }

        mutating func flush() {
            withUnsafeBytes(of: lanes) { laneBytes in
                // Byte `byte` of lane `slice` counts bit `slice + 8 × byte` (little-endian lanes).
                for slice in 0..<8 {
                    for byte in 0..<8 {
                        positive[slice + 8 * byte] &+= Int32(laneBytes[slice * 8 + byte])
                    }
                }
            }
            lanes = SIMD8()
            sinceFlush = 0
        }

        /// A bit is set where the features with it outweigh those without.
        var fingerprint: UInt64 {
            var sums = self
            sums.flush()
            var value: UInt64 = 0
            for bit in 0..<64 where 2 * sums.positive[bit] > sums.total { value |= 1 << UInt64(bit) }
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
