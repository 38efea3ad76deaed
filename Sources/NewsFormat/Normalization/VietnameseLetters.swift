/// The twelve vowel letters of Vietnamese, without tone.
///
/// Order matters: the raw value indexes ``VietnameseLetters`` tables.
enum VowelBase: UInt8, Sendable, CaseIterable {
    case a, aBreve, aCircumflex, e, eCircumflex, i, o, oCircumflex, oHorn, u, uHorn, y

    /// True for the vowels that carry a shape mark (breve, circumflex or horn): the tone goes on them first.
    var hasShapeMark: Bool {
        switch self {
        case .aBreve, .aCircumflex, .eCircumflex, .oCircumflex, .oHorn, .uHorn: return true
        default: return false
        }
    }
}

/// The six tones of Vietnamese; `level` (thanh ngang) has no mark.
enum Tone: UInt8, Sendable, CaseIterable {
    case level, grave, acute, hook, tilde, dotBelow
}

/// What one Unicode scalar is as a Vietnamese vowel: its base, its tone and its case.
struct VowelLetter: Equatable, Sendable {
    var base: VowelBase
    var tone: Tone
    var isUppercase: Bool

    /// The precomposed (NFC) scalar for this vowel.
    var scalar: UInt32 {
        let row = VietnameseLetters.lowercase[Int(base.rawValue)]
        let lower = row[Int(tone.rawValue)]
        return isUppercase ? VietnameseLetters.uppercase(of: lower) : lower
    }
}

/// Lookup tables between precomposed Vietnamese letters and (base, tone, case).
///
/// Classification is a single array load: the table covers U+0000…U+1EFF, which holds every
/// precomposed Vietnamese letter.
enum VietnameseLetters {
    /// Lowercase precomposed scalars, indexed `[base][tone]` in ``VowelBase`` and ``Tone`` order.
    static let lowercase: [[UInt32]] = [
        [0x61, 0xE0, 0xE1, 0x1EA3, 0xE3, 0x1EA1],  // a
        [0x103, 0x1EB1, 0x1EAF, 0x1EB3, 0x1EB5, 0x1EB7],  // ă
        [0xE2, 0x1EA7, 0x1EA5, 0x1EA9, 0x1EAB, 0x1EAD],  // â
        [0x65, 0xE8, 0xE9, 0x1EBB, 0x1EBD, 0x1EB9],  // e
        [0xEA, 0x1EC1, 0x1EBF, 0x1EC3, 0x1EC5, 0x1EC7],  // ê
        [0x69, 0xEC, 0xED, 0x1EC9, 0x129, 0x1ECB],  // i
        [0x6F, 0xF2, 0xF3, 0x1ECF, 0xF5, 0x1ECD],  // o
        [0xF4, 0x1ED3, 0x1ED1, 0x1ED5, 0x1ED7, 0x1ED9],  // ô
        [0x1A1, 0x1EDD, 0x1EDB, 0x1EDF, 0x1EE1, 0x1EE3],  // ơ
        [0x75, 0xF9, 0xFA, 0x1EE7, 0x169, 0x1EE5],  // u
        [0x1B0, 0x1EEB, 0x1EE9, 0x1EED, 0x1EEF, 0x1EF1],  // ư
        [0x79, 0x1EF3, 0xFD, 0x1EF7, 0x1EF9, 0x1EF5],  // y
    ]

    static let lowercaseD: UInt32 = 0x111  // đ
    static let uppercaseD: UInt32 = 0x110  // Đ
    static let lowercaseEth: UInt32 = 0xF0  // ð, often typed for đ
    static let uppercaseEth: UInt32 = 0xD0  // Ð, often typed for Đ

    /// Uppercase of a lowercase Vietnamese letter scalar from ``lowercase``.
    static func uppercase(of lower: UInt32) -> UInt32 {
        switch lower {
        case 0x61...0x7A, 0xE0...0xFE: return lower - 0x20
        case 0x1EA0...0x1EFF: return lower - 1
        default: return lower - 1  // ă ĩ ũ ơ ư đ: the uppercase is the code point before
        }
    }

    /// Packed entries, indexed by scalar below ``packedTableCount``: bit 15 set for a vowel; bits 0-3 base,
    /// 4-6 tone, 7 uppercase; bit 14 (``separatorBit``) for a scalar that ends a word. Hot loops read it into
    /// a local once, not per scalar, and classify a scalar with one load.
    static let packedTable: [UInt16] = {
        var table = [UInt16](repeating: 0, count: packedTableCount)
        for scalar in 0..<UInt32(packedTableCount) where WordBoundaries.isSeparator(scalar) {
            table[Int(scalar)] = separatorBit
        }
        for base in VowelBase.allCases {
            for tone in Tone.allCases {
                let lower = lowercase[Int(base.rawValue)][Int(tone.rawValue)]
                let entry = 0x8000 | UInt16(tone.rawValue) << 4 | UInt16(base.rawValue)
                table[Int(lower)] = entry
                table[Int(uppercase(of: lower))] = entry | 0x80
            }
        }
        return table
    }()

    /// Scalars below this have an entry in ``packedTable`` (U+0000…U+1EFF, every precomposed Vietnamese letter).
    static let packedTableCount = 0x1F00

    /// The ``packedTable`` bit of word separators (``WordBoundaries/isSeparator(_:)``).
    static let separatorBit: UInt16 = 0x4000

    /// True when the packed `entry` is a capital vowel with a tone mark.
    @inline(__always)
    static func isTonedCapital(_ entry: UInt16) -> Bool {
        entry & 0x8080 == 0x8080 && entry & 0x70 != 0
    }

    /// The packed entry of any scalar: from the table below U+1F00, else only the separator bit.
    @inline(__always)
    static func packedEntry(_ scalar: UInt32, in table: [UInt16]) -> UInt16 {
        if scalar < packedTableCount { return table[Int(scalar)] }
        return WordBoundaries.isSeparator(scalar) ? separatorBit : 0
    }

    /// The vowel a scalar spells, or `nil` when it is not a precomposed Vietnamese vowel.
    @inline(__always)
    static func vowel(_ scalar: UInt32) -> VowelLetter? {
        guard scalar < packedTableCount else { return nil }
        let entry = packedTable[Int(scalar)]
        guard entry & 0x8000 != 0 else { return nil }
        return VowelLetter(
            base: VowelBase(rawValue: UInt8(entry & 0x0F))!,
            tone: Tone(rawValue: UInt8((entry >> 4) & 0x07))!,
            isUppercase: entry & 0x80 != 0
        )
    }

    /// Lowercase of a scalar for fingerprints and comparisons: ASCII, Latin-1, Vietnamese letters and Đ.
    ///
    /// Arithmetic only, no table: in Latin Extended Additional every uppercase letter is the even code point
    /// before its lowercase, and the other Vietnamese capitals (`Ă Đ Ĩ Ũ Ơ Ư`) are listed.
    @inline(__always)
    static func lowercased(_ scalar: UInt32) -> UInt32 {
        switch scalar {
        case 0x41...0x5A: return scalar + 0x20
        case 0x00...0xBF: return scalar
        case 0xC0...0xDE where scalar != 0xD7: return scalar + 0x20
        case 0x102, 0x110, 0x128, 0x168, 0x1A0: return scalar + 1
        case 0x1AF: return 0x1B0
        case 0x1EA0...0x1EF9: return scalar | 1
        default: return scalar
        }
    }
}
