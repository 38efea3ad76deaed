/// The spelling of an onset before its vowel: `ngh`, `gh` and `k` are written only before `e`, `ê`, `i` (and
/// `k` before `y`), `ng`, `g` and `c` only before the others. Typing the wrong one (`nghành`, `ghà`, `ngẽ`,
/// `kủa`, `cế`) is among the commonest spelling mistakes in Vietnamese.
enum OnsetSpelling {
    /// True for a plain-ASCII word that starts with `ng` before `e` or `i` (`nge`, `ngi`), given its first
    /// bytes in lower case packed first-lowest: the one slip a word without diacritics is repaired for
    /// (`nge` → `nghe`). Other ASCII words stay as they are: `ko`, `ka` are slang or abbreviations, and `get`
    /// or `cyber` are English, which `gh`/`k` would mangle into syllables.
    @inline(__always)
    static func isASCIISlip(packedLowercase: UInt32) -> Bool {
        let third = packedLowercase >> 16 & 0xFF
        return packedLowercase & 0xFFFF == ng && (third == 0x65 || third == 0x69)  // e, i
    }

    /// Onsets packed as ``isMisspelled(onset:before:)`` takes them.
    static let ngh: UInt32 = 0x68_67_6E
    static let gh: UInt32 = 0x68_67
    static let ng: UInt32 = 0x67_6E
    static let g: UInt32 = 0x67
    static let k: UInt32 = 0x6B
    static let c: UInt32 = 0x63

    /// True when `onset` (its letters in lower-case ASCII, packed one byte each, first lowest) is spelled
    /// against a first vowel of `base`. The one statement of the rule: the fast path's check
    /// (``PlainCanonicalCheck``) and the repair both ask it.
    ///
    /// `ng` and `g` become `ngh` and `gh` before `e` and `ê`, and `ng` before `i` (`gi` is an onset of its own,
    /// `gì` a word).
    @inline(__always)
    static func isMisspelled(onset: UInt32, before base: VowelBase) -> Bool {
        let isFront = base == .e || base == .eCircumflex || base == .i
        switch onset {
        case ngh, gh: return !isFront
        case ng: return isFront
        case g: return isFront && base != .i
        case k: return !isFront && base != .y
        case c: return isFront || base == .y
        default: return false
        }
    }

    /// The word with its onset spelled as its vowel asks, or `nil` when it is spelled so already, or when the
    /// result would not be a Vietnamese syllable (`Kabul`, `Ghana`, `Kuala` stay). Letter case is kept: an
    /// inserted `h` takes the case of the `g` before it.
    static func repaired(_ scalars: [UInt32]) -> [UInt32]? {
        var onset: UInt32 = 0
        var length = 0
        while length < scalars.count, length < 4, VietnameseLetters.vowel(scalars[length]) == nil {
            let scalar = scalars[length]
            guard scalar < 0x80 else { return nil }  // đ, or not a letter: no onset of these
            onset |= (scalar | 0x20) << (8 * UInt32(length))
            length += 1
        }
        guard length < scalars.count, let vowel = VietnameseLetters.vowel(scalars[length]),
            isMisspelled(onset: onset, before: vowel.base)
        else { return nil }
        var result = scalars
        switch onset {
        case ngh, gh:
            result.remove(at: length - 1)
        case ng, g:
            result.insert(scalars[length - 1] == 0x47 ? 0x48 : 0x68, at: length)  // G → H, g → h
        case k:
            result[0] = scalars[0] == 0x4B ? 0x43 : 0x63  // K → C, k → c
        default:  // c
            result[0] = scalars[0] == 0x43 ? 0x4B : 0x6B  // C → K, c → k
        }
        return ToneMarks.isSyllable(result) ? result : nil
    }
}
