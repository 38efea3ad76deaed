/// What the normalizer and the text measures need to know about one word; a pure function of its bytes.
///
/// Sixteen bytes, so that a memo slot with its key is half a cache line.
struct WordFacts {
    /// FNV-1a over its lowercased scalars: its ``SimHash`` feature before finalizing.
    private(set) var hash: UInt64 = SimHash.offsetBasis
    /// What the word counts for in ``LanguageGuesser/WordCounts`` (see ``LanguageGuesser/WordCounts/add(_:)``).
    private(set) var language: UInt8 = 0
    /// ``Flag`` bits.
    private var flags: UInt8 = 0

    private enum Flag {
        static let needsToneAnalysis: UInt8 = 1
        static let notClean: UInt8 = 2
        static let containsSeparator: UInt8 = 4
        /// ``ToneStyle/memoBit`` is shifted left by this much (bits 3 to 5).
        static let canonicalShift: UInt8 = 3
        static let holdsTonedCapital: UInt8 = 64
    }

    /// The word holds a capital with a tone mark (`Ảnh`, `ÔNG`… not `Ông`): text with none may have lost
    /// them (``LostCapitals``).
    var holdsTonedCapital: Bool { flags & Flag.holdsTonedCapital != 0 }

    /// The tone pass must look at the word in full: it has a non-ASCII letter, at most eight scalars, and is
    /// not plainly canonical (``PlainCanonicalCheck``).
    var needsToneAnalysis: Bool { flags & Flag.needsToneAnalysis != 0 }
    /// Every scalar is one the cleaning pass keeps as it is, and stable under NFC.
    var isClean: Bool { flags & Flag.notClean == 0 }
    /// The span holds a separator scalar (`×`, `÷`): it is more than one word, see ``WordSpans``.
    var containsSeparator: Bool { flags & Flag.containsSeparator != 0 }

    /// True when the tone pass has nothing to do with the word in `style`.
    @inline(__always)
    func isCanonical(in style: ToneStyle) -> Bool {
        flags & Flag.needsToneAnalysis == 0 || flags & (style.memoBit << Flag.canonicalShift) != 0
    }

    /// Remembers that the full analysis found the word already canonical in `style`.
    mutating func noteCanonical(in style: ToneStyle) {
        flags |= style.memoBit << Flag.canonicalShift
    }

    /// Reads the facts off the word's bytes, scalar by scalar.
    init(_ word: UnsafeBufferPointer<UInt8>) {
        let letters = VietnameseLetters.packedTable
        let classTable = ScalarClasses.table
        let lowercase = ScalarClasses.lowercase
        var check = PlainCanonicalCheck()
        var count = 0
        var hasNonASCII = false
        var classes: UInt16 = 0
        var packedASCII: UInt32 = 0
        var index = 0
        while index < word.count {
            let (scalar, length) = UTF8Scalar.decodeValid(word, at: index)
            index += length
            let small = scalar < ScalarClasses.tableCount
            let kind = small ? classTable[Int(scalar)] : ScalarClasses.classify(scalar)
            if kind & ScalarClasses.separator != 0 { flags |= Flag.containsSeparator }
            if scalar >= 0x80 { hasNonASCII = true }
            if !UnicodeNormalization.isStableUnderNFC(scalar) { flags |= Flag.notClean }
            let entry = VietnameseLetters.packedEntry(scalar, in: letters)
            if VietnameseLetters.isTonedCapital(entry) { flags |= Flag.holdsTonedCapital }
            check.add(scalar, entry: entry, at: count)
            let lower = small ? UInt32(lowercase[Int(scalar)]) : scalar
            hash = (hash ^ UInt64(lower)) &* SimHash.prime
            packedASCII |= (lower & 0xFF) << (8 &* UInt32(truncatingIfNeeded: count))
            classes |= kind
            count += 1
        }
        language = LanguageGuesser.WordCounts.contribution(classes: classes, scalars: count, packedASCII: packedASCII)
        if hasNonASCII || OnsetSpelling.isASCIISlip(packedLowercase: packedASCII), count <= 8,
            !check.isPlainlyCanonical
        {
            flags |= Flag.needsToneAnalysis
        }
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
        /// The word's bytes, zero-padded; zero for an empty slot. Words hold no NUL byte (it separates
        /// words), so the padded bytes tell words of different lengths apart.
        var low: UInt64 = 0
        var high: UInt64 = 0
        var facts = WordFacts(UnsafeBufferPointer(start: nil, count: 0))
    }

    /// The slots. A raw allocation, not an array property: a class's array would be checked for exclusive
    /// access at run time on every lookup.
    private let entries: UnsafeMutablePointer<Entry>
    private let slotCount: Int
    private let shift: UInt64

    /// Creates a memo with `2^slotBits` slots (default 4096, 128 KB).
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
        let entry = slot(low, high)
        if entry.pointee.low == low, entry.pointee.high == high {
            return entry.pointee.facts
        }
        let facts = WordFacts(UnsafeBufferPointer(rebasing: bytes[range]))
        entry.pointee = Entry(low: low, high: high, facts: facts)
        return facts
    }

    /// Remembers that the full analysis left the word in bytes `range` unchanged in `style`.
    func noteCanonical(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, style: ToneStyle) {
        guard range.count <= 16 else { return }
        let (low, high) = Self.key(range, in: bytes)
        let entry = slot(low, high)
        if entry.pointee.low == low, entry.pointee.high == high {
            entry.pointee.facts.noteCanonical(in: style)
        }
    }

    @inline(__always)
    private func slot(_ low: UInt64, _ high: UInt64) -> UnsafeMutablePointer<Entry> {
        let mixed = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F)
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
    /// This style's bit in the memo's record of the styles a word is canonical in.
    var memoBit: UInt8 {
        switch self {
        case .press: return 1
        case .modern: return 2
        case .keep: return 4
        }
    }
}
