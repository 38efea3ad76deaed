/// A 64-bit SimHash of a text over syllable shingles, so near-duplicate articles have fingerprints a small
/// Hamming distance apart.
///
/// Method: the text is lowercased and split into syllables (runs of letters and digits; punctuation
/// dropped). Every syllable (weight 1) and every pair of adjacent syllables (weight 2) is a feature, hashed
/// with 64-bit FNV-1a and a SplitMix64 finalizer. For each of the 64 bits, the weights of features with that
/// bit set are added and those without subtracted; the fingerprint has a bit set where the sum is positive.
/// Articles on the same event share names and phrases, so they share many features.
public struct SimHash: Sendable, Equatable, Hashable {
    /// The fingerprint.
    public var value: UInt64

    /// Creates a fingerprint from its value.
    public init(value: UInt64) { self.value = value }

    /// Fingerprints `text` (normalized).
    public init(text: String) {
        var text = text
        var sums = BitSums()
        text.withUTF8 { bytes in Self.accumulate(bytes, into: &sums) }
        self.value = sums.fingerprint
    }

    /// Per bit, the total weight of the features that have it set (`positive`) and of all features (`total`):
    /// the classic sum (+weight where set, -weight where not) is `2 × positive - total`.
    ///
    /// Counting is bit-sliced: `lanes[j]` holds eight byte counters, for bits `j`, `j + 8`, … `j + 56`, so one
    /// feature costs eight shift-and-add steps instead of sixty-four. The bytes are flushed into `positive`
    /// before they can overflow.
    private struct BitSums {
        var lanes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var positive = [Int32](repeating: 0, count: 64)
        var total: Int32 = 0
        var sinceFlush: Int32 = 0

        private static let byteOnes: UInt64 = 0x0101_0101_0101_0101

        @inline(__always)
        mutating func add(_ hash: UInt64, weight: Int32) {
            let w = UInt64(weight)
            lanes.0 &+= (hash & Self.byteOnes) &* w
            lanes.1 &+= ((hash >> 1) & Self.byteOnes) &* w
            lanes.2 &+= ((hash >> 2) & Self.byteOnes) &* w
            lanes.3 &+= ((hash >> 3) & Self.byteOnes) &* w
            lanes.4 &+= ((hash >> 4) & Self.byteOnes) &* w
            lanes.5 &+= ((hash >> 5) & Self.byteOnes) &* w
            lanes.6 &+= ((hash >> 6) & Self.byteOnes) &* w
            lanes.7 &+= ((hash >> 7) & Self.byteOnes) &* w
            total &+= weight
            sinceFlush &+= weight
            if sinceFlush > 250 { flush() }
        }

        mutating func flush() {
            let all = [lanes.0, lanes.1, lanes.2, lanes.3, lanes.4, lanes.5, lanes.6, lanes.7]
            for (slice, lane) in all.enumerated() {
                for byte in 0..<8 {
                    positive[slice + 8 * byte] &+= Int32((lane >> UInt64(8 * byte)) & 0xFF)
                }
            }
            lanes = (0, 0, 0, 0, 0, 0, 0, 0)
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

    /// Adds the weights of every syllable and syllable pair of `bytes` (UTF-8) to the bit sums.
    private static func accumulate(_ bytes: UnsafeBufferPointer<UInt8>, into sums: inout BitSums) {
        var previous: UInt64?
        var current: UInt64 = offsetBasis
        var inWord = false
        func endWord() {
            guard inWord else { return }
            sums.add(finalize(current), weight: 1)
            if let previous { sums.add(finalize(combine(previous, current)), weight: 2) }
            previous = current
            current = offsetBasis
            inWord = false
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let value: UInt32
            if byte < 0x80 {
                value = UInt32(byte)
                index += 1
            } else {
                let (scalar, length) = UTF8Scalar.decode(bytes, at: index) ?? (0xFFFD, 1)
                value = scalar
                index += length
            }
            if WordBoundaries.isSeparator(value) {
                endWord()
                continue
            }
            var lower = VietnameseLetters.lowercased(value)
            // FNV-1a over the scalar's value, four bytes at a time.
            for _ in 0..<4 {
                current = (current ^ UInt64(lower & 0xFF)) &* prime
                lower >>= 8
            }
            inWord = true
        }
        endWord()
    }

    /// Number of differing bits: 0 for identical texts, about 32 for unrelated ones.
    public func distance(to other: SimHash) -> Int { (value ^ other.value).nonzeroBitCount }

    /// Sixteen lowercase hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    private static func combine(_ first: UInt64, _ second: UInt64) -> UInt64 {
        first &* 31 &+ second ^ 0x9E37_79B9_7F4A_7C15
    }

    /// SplitMix64's finalizer: spreads FNV's weak low bits over all 64.
    private static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
