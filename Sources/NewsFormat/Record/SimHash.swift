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
        var sums = [Int32](repeating: 0, count: 64)
        var previous: UInt64?
        var current: UInt64 = Self.offsetBasis
        var inWord = false
        func add(_ hash: UInt64, weight: Int32) {
            let mixed = Self.finalize(hash)
            for bit in 0..<64 {
                sums[bit] &+= (mixed >> UInt64(bit)) & 1 == 1 ? weight : -weight
            }
        }
        func endWord() {
            guard inWord else { return }
            add(current, weight: 1)
            if let previous { add(Self.combine(previous, current), weight: 2) }
            previous = current
            current = Self.offsetBasis
            inWord = false
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if WordBoundaries.isSeparator(value) {
                endWord()
                continue
            }
            var lower = VietnameseLetters.lowercased(value)
            // FNV-1a over the scalar's value, four bytes at a time.
            for _ in 0..<4 {
                current = (current ^ UInt64(lower & 0xFF)) &* Self.prime
                lower >>= 8
            }
            inWord = true
        }
        endWord()
        var fingerprint: UInt64 = 0
        for bit in 0..<64 where sums[bit] > 0 { fingerprint |= 1 << UInt64(bit) }
        self.value = fingerprint
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
