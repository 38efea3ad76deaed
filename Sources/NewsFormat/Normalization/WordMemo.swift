/// What the normalizer and the text measures need to know about one word; a pure function of its bytes.
struct WordFacts {
    /// The tone pass must look at the word in full: it has a non-ASCII letter, at most eight scalars, and is
    /// not plainly canonical (``PlainCanonicalCheck``).
    var needsToneAnalysis = false
    /// Every scalar is one the cleaning pass keeps as it is, and stable under NFC.
    var isClean = true
    /// The span holds a separator scalar (`×`, `÷`): it is more than one word, see ``WordSpans``.
    var containsSeparator = false
    /// Scalars in the word (capped at 255).
    var scalars: UInt8 = 0
    /// ``ScalarClasses`` of its scalars or-ed together.
    var classes: UInt16 = 0
    /// The first four ASCII bytes, lowercased and packed little-endian, for English stop words.
    var packedASCII: UInt32 = 0
    /// FNV-1a over its lowercased scalars: its ``SimHash`` feature before finalizing.
    var hash: UInt64 = SimHash.offsetBasis
    /// Tone styles (``ToneStyle/memoBit``) in which the full analysis found the word already canonical.
    var canonicalInStyles: UInt8 = 0

    /// True when the tone pass has nothing to do with the word in `style`.
    @inline(__always)
    func isCanonical(in style: ToneStyle) -> Bool {
        !needsToneAnalysis || canonicalInStyles & style.memoBit != 0
    }

    /// Reads the facts off the word's bytes, scalar by scalar.
    init(_ word: UnsafeBufferPointer<UInt8>) {
        let letters = VietnameseLetters.packedTable
        let classTable = ScalarClasses.table
        let lowercase = ScalarClasses.lowercase
        var check = PlainCanonicalCheck()
        var count = 0
        var hasNonASCII = false
        var index = 0
        while index < word.count {
            let (scalar, length) = UTF8Scalar.decodeValid(word, at: index)
            index += length
            let small = scalar < ScalarClasses.tableCount
            let kind = small ? classTable[Int(scalar)] : ScalarClasses.classify(scalar)
            if kind & ScalarClasses.separator != 0 { containsSeparator = true }
            if scalar >= 0x80 { hasNonASCII = true }
            if !UnicodeNormalization.isStableUnderNFC(scalar) { isClean = false }
            check.add(scalar, entry: VietnameseLetters.packedEntry(scalar, in: letters), at: count)
            let lower = small ? UInt32(lowercase[Int(scalar)]) : scalar
            hash = (hash ^ UInt64(lower)) &* SimHash.prime
            packedASCII |= (lower & 0xFF) << (8 &* UInt32(truncatingIfNeeded: count))
            classes |= kind
            count += 1
        }
        scalars = UInt8(min(count, 255))
        needsToneAnalysis = hasNonASCII && count <= 8 && !check.isPlainlyCanonical
    }
}

/// Remembers ``WordFacts`` of recent words, so the words a text repeats, and the few thousand syllables
/// Vietnamese is written with, are read scalar by scalar once and then found by their bytes.
///
/// Results never depend on it: a word's facts are a pure function of its bytes, and a word not found is
/// read again. Direct-mapped: a word whose slot another holds replaces it. Words over 16 bytes are not kept.
///
/// Not thread-safe: give each worker its own (a serial queue's memo is used by that queue only).
public final class WordMemo: @unchecked Sendable {
    private struct Entry {
        /// The word's bytes, zero-padded; `length` 0 marks an empty slot.
        var low: UInt64 = 0
        var high: UInt64 = 0
        var length: UInt8 = 0
        var facts = WordFacts(UnsafeBufferPointer(start: nil, count: 0))
    }

    /// The slots. A raw allocation, not an array property: a class's array would be checked for exclusive
    /// access at run time on every lookup.
    private let entries: UnsafeMutablePointer<Entry>
    private let slotCount: Int
    private let shift: UInt64

    /// Creates a memo with `2^slotBits` slots (default 4096, about 200 KB).
    public init(slotBits: Int = 12) {
        let bits = max(4, min(slotBits, 20))
        slotCount = 1 << bits
        shift = UInt64(64 - bits)
        entries = .allocate(capacity: slotCount)
        entries.initialize(repeating: Entry(), count: slotCount)
    }

    deinit {
        entries.deinitialize(count: slotCount)
        entries.deallocate()
    }

    /// The facts of the word in bytes `range` of `bytes`, from the memo or read and remembered.
    @inline(__always)
    func facts(of range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> WordFacts {
        let length = range.count
        guard length <= 16 else { return WordFacts(UnsafeBufferPointer(rebasing: bytes[range])) }
        let (low, high) = Self.key(range, in: bytes)
        let entry = slot(low, high, length)
        if entry.pointee.length == UInt8(length), entry.pointee.low == low, entry.pointee.high == high {
            return entry.pointee.facts
        }
        let facts = WordFacts(UnsafeBufferPointer(rebasing: bytes[range]))
        entry.pointee = Entry(low: low, high: high, length: UInt8(length), facts: facts)
        return facts
    }

    /// Remembers that the full analysis left the word in bytes `range` unchanged in `style`.
    func noteCanonical(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, style: ToneStyle) {
        guard range.count <= 16 else { return }
        let (low, high) = Self.key(range, in: bytes)
        let entry = slot(low, high, range.count)
        if entry.pointee.length == UInt8(range.count), entry.pointee.low == low, entry.pointee.high == high {
            entry.pointee.facts.canonicalInStyles |= style.memoBit
        }
    }

    @inline(__always)
    private func slot(_ low: UInt64, _ high: UInt64, _ length: Int) -> UnsafeMutablePointer<Entry> {
        let mixed = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
        return entries + Int(truncatingIfNeeded: (mixed &* 0xFF51_AFD7_ED55_8CCD) >> shift)
    }

    /// Up to 16 bytes packed into two words, zero-padded: whole unaligned loads when the buffer allows.
    @inline(__always)
    private static func key(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let length = range.count
        guard let base = bytes.baseAddress else { return (0, 0) }
        if range.lowerBound + 16 <= bytes.count {
            let raw = UnsafeRawPointer(base + range.lowerBound)
            var low = raw.loadUnaligned(as: UInt64.self)
            var high = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            if length < 8 {
                low &= (1 << UInt64(8 * length)) &- 1
                high = 0
            } else if length < 16 {
                high &= (1 << UInt64(8 * (length - 8))) &- 1
            }
            return (low, high)
        }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for offset in 0..<length {
            let byte = UInt64(bytes[range.lowerBound + offset])
            if offset < 8 { low |= byte << UInt64(8 * offset) } else { high |= byte << UInt64(8 * (offset - 8)) }
        }
        return (low, high)
    }
}

extension ToneStyle {
    /// This style's bit in ``WordFacts/canonicalInStyles``.
    var memoBit: UInt8 {
        switch self {
        case .press: return 1
        case .modern: return 2
        case .keep: return 4
        }
    }
}
