/// Tells, scalar by scalar, whether a word is plainly canonical: its tone is on its only vowel, or on its
/// last vowel with a shape mark, and it has no `uơ`/`ưo` or `Ð` to repair. Such a word is spelled the same in
/// every tone style, and most words are, so they skip ``ToneMarks/canonicalize(_:style:)``.
///
/// Fed the packed ``VietnameseLetters`` entries, so the common case costs one table load per scalar.
struct PlainCanonicalCheck {
    private var vowels = 0
    private var tonedIndex = -1
    private var tonedHasShape = false
    private var lastShapedIndex = -1
    /// Base of the previous scalar when it was a vowel, else `noBase`.
    private var previousBase: UInt16 = Self.noBase
    /// Two tones or more: a tone typed twice, for ``ToneMarks/canonicalize(_:style:)`` to repair.
    private var hasTwoTones = false
    /// `Ð`/`ð`, `uơ`/`ưo`, or an onset spelled against its vowel (``OnsetSpelling``): needs the full analysis.
    private var needsRepair = false
    /// The word's leading consonants so far, lowercase ASCII packed one byte each (first lowest), until the
    /// first vowel, as ``OnsetSpelling/isMisspelled(onset:before:)`` takes them; `UInt32.max` once that is seen,
    /// or once they cannot be an onset it repairs.
    private var onset: UInt32 = 0

    private static let noBase: UInt16 = 0xFF
    /// Bases with a breve, circumflex or horn (``VowelBase`` raw values 1, 2, 4, 7, 8, 10).
    private static let shapedBases: UInt16 = 0b101_1001_0110
    private static let baseU = UInt16(VowelBase.u.rawValue)
    private static let baseUHorn = UInt16(VowelBase.uHorn.rawValue)
    private static let baseO = UInt16(VowelBase.o.rawValue)
    private static let baseOHorn = UInt16(VowelBase.oHorn.rawValue)

    /// Adds the scalar at `index` of the word, with its packed table entry (0 for a non-vowel).
    @inline(__always)
    mutating func add(_ scalar: UInt32, entry: UInt16, at index: Int) {
        if scalar == VietnameseLetters.lowercaseEth || scalar == VietnameseLetters.uppercaseEth { needsRepair = true }
        guard entry & 0x8000 != 0 else {
            previousBase = Self.noBase
            if onset != .max {
                onset = index < 3 && scalar < 0x80 ? onset | (scalar | 0x20) << (8 * UInt32(index)) : .max
            }
            return
        }
        let base = entry & 0x0F
        if onset != .max {
            if OnsetSpelling.isMisspelled(onset: onset, before: VowelBase(rawValue: UInt8(base))!) {
                needsRepair = true
            }
            onset = .max
        }
        let hasShape = Self.shapedBases >> base & 1 != 0
        vowels += 1
        if hasShape { lastShapedIndex = index }
        if (entry >> 4) & 0x07 != 0 {
            if tonedIndex >= 0 { hasTwoTones = true }
            tonedIndex = index
            tonedHasShape = hasShape
        }
        if (previousBase == Self.baseU && base == Self.baseOHorn)
            || (previousBase == Self.baseUHorn && base == Self.baseO)
        {
            needsRepair = true
        }
        previousBase = base
    }

    /// True when the word needs no further look.
    var isPlainlyCanonical: Bool {
        if hasTwoTones || needsRepair { return false }
        if tonedIndex < 0 || vowels == 1 { return true }
        return tonedHasShape && tonedIndex == lastShapedIndex
    }
}
