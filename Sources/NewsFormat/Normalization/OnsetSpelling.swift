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
        return packedLowercase & 0xFFFF == 0x676E && (third == 0x65 || third == 0x69)
    }

    /// The word with its onset spelled as its vowel asks, or `nil` when it is spelled so already, or when the
    /// result would not be a Vietnamese syllable (`Kabul`, `Ghana`, `Kuala` stay). Letter case is kept: an
    /// inserted `h` takes the case of the `g` before it.
    ///
    /// `ng` and `g` become `ngh` and `gh` before `e` and `ê`, and `ng` before `i` (`gi` is an onset of its own,
    /// `gì` a word).
    static func repaired(_ scalars: [UInt32]) -> [UInt32]? {
        var onset: [UInt8] = []
        var index = 0
        while index < scalars.count, index < 4, VietnameseLetters.vowel(scalars[index]) == nil {
            let scalar = scalars[index]
            guard scalar < 0x80 else { return nil }  // đ, or not a letter: no onset of these
            onset.append(UInt8(scalar) | 0x20)
            index += 1
        }
        guard index < scalars.count, let vowel = VietnameseLetters.vowel(scalars[index]) else { return nil }
        let front: Set<VowelBase> = [.e, .eCircumflex, .i]
        let isFront = front.contains(vowel.base)
        var result = scalars
        switch onset {
        case Array("ngh".utf8) where !isFront, Array("gh".utf8) where !isFront:
            result.remove(at: onset.count - 1)
        case Array("ng".utf8) where isFront, Array("g".utf8) where isFront && vowel.base != .i:
            let g = scalars[onset.count - 1]
            result.insert(g == 0x47 ? 0x48 : 0x68, at: onset.count)  // G → H, g → h
        case Array("k".utf8) where !isFront && vowel.base != .y:
            result[0] = scalars[0] == 0x4B ? 0x43 : 0x63  // K → C, k → c
        case Array("c".utf8) where isFront || vowel.base == .y:
            result[0] = scalars[0] == 0x43 ? 0x4B : 0x6B  // C → K, c → k
        default:
            return nil
        }
        return ToneMarks.isSyllable(result) ? result : nil
    }
}
