/// One letter of a candidate syllable: a vowel, or a consonant (ASCII lowercase, or `đ`).
struct SyllableLetter: Equatable, Sendable {
    /// The vowel, when the letter is one.
    var vowel: VowelLetter?
    /// For a consonant: its lowercase ASCII byte, or `SyllableLetter.dStroke` for `đ`.
    var consonant: UInt8
    /// For a consonant: its original scalar, written back unchanged.
    var scalar: UInt32
    /// For `Ð`/`ð` typed in place of `Đ`/`đ`.
    var isEth: Bool

    /// Marker byte for `đ` among consonants.
    static let dStroke: UInt8 = 0x01

    /// Reads one scalar as a letter of a Vietnamese syllable, or `nil` for anything else.
    @inline(__always)
    init?(scalar: UInt32) {
        self.scalar = scalar
        self.isEth = false
        if let vowel = VietnameseLetters.vowel(scalar) {
            self.vowel = vowel
            self.consonant = 0
            return
        }
        self.vowel = nil
        switch scalar {
        case 0x41...0x5A, 0x61...0x7A:
            self.consonant = UInt8(scalar | 0x20)
        case VietnameseLetters.lowercaseD, VietnameseLetters.uppercaseD:
            self.consonant = Self.dStroke
        case VietnameseLetters.lowercaseEth, VietnameseLetters.uppercaseEth:
            self.consonant = Self.dStroke
            self.isEth = true
        default:
            return nil
        }
    }

    /// The scalar to write back: vowels precomposed, `Ð`/`ð` as `Đ`/`đ`.
    var outputScalar: UInt32 {
        if let vowel { return vowel.scalar }
        if isEth {
            return scalar == VietnameseLetters.uppercaseEth
                ? VietnameseLetters.uppercaseD : VietnameseLetters.lowercaseD
        }
        return scalar
    }
}

/// The structure of a Vietnamese syllable: onset consonants, a vowel nucleus, a final consonant.
///
/// `qu` and `gi` keep their `u`/`i` in the onset when a vowel follows (`quý`, `giá`), so the nucleus of
/// `quý` is `y` and of `giá` is `a`.
struct VietnameseSyllable: Sendable {
    /// Letters of the whole word.
    var letters: [SyllableLetter]
    /// Index of the first nucleus vowel in `letters`.
    var nucleusStart: Int
    /// Index one past the last nucleus vowel.
    var nucleusEnd: Int
    /// True when a final consonant follows the nucleus.
    var hasCoda: Bool

    /// Letter sequences packed into one integer (one byte per letter, first letter lowest) so that looking up
    /// an onset, coda or nucleus allocates nothing; `nil` when the sequence is too long to be one.
    private static func pack<Letters: Sequence<UInt8>>(_ letters: Letters, limit: Int) -> UInt32? {
        var key: UInt32 = 0
        var shift: UInt32 = 0
        for letter in letters {
            guard shift < UInt32(limit) * 8 else { return nil }
            key |= UInt32(letter) << shift
            shift += 8
        }
        return key
    }

    private static let onsets: Set<UInt32> = Set(
        ([
            "", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph",
            "qu", "r", "s", "t", "th", "tr", "v", "x",
        ].map { Array($0.utf8) } + [[SyllableLetter.dStroke]]).map { pack($0, limit: 3)! }
    )
    private static let codas: Set<UInt32> = Set(
        ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"].map { pack($0.utf8, limit: 2)! }
    )

    /// Nuclei spelled with ``VowelBase`` raw values plus one (so `a` is not the empty key); `uơ` only without a
    /// coda (`thuở`).
    private static let nuclei: Set<UInt32> = {
        let spelled = [
            "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
            "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi",
            "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê",
            "iêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu",
        ]
        return Set(
            spelled.map { word in
                pack(word.unicodeScalars.map { VietnameseLetters.vowel($0.value)!.base.rawValue + 1 }, limit: 3)!
            }
        )
    }()

    /// Parses a word as one Vietnamese syllable; `nil` when it is not one (`Zelensky`, `IAEA`, `Mátxcơva`).
    ///
    /// Repairs `uơ`/`ưo` to `ươ` where a final letter follows (`đuợc` is `được`), since no syllable spells it
    /// otherwise.
    init?(letters input: [SyllableLetter]) {
        var letters = input
        let count = letters.count
        guard count > 0, count <= 8 else { return nil }
        var index = 0
        var onset: UInt32 = 0
        var onsetLength = 0
        while index < count, letters[index].vowel == nil {
            guard onsetLength < 3 else { return nil }
            onset |= UInt32(letters[index].consonant) << (8 * UInt32(onsetLength))
            onsetLength += 1
            index += 1
        }
        if onsetLength == 1, onset == UInt32(UInt8(ascii: "q")) {
            guard index < count, letters[index].vowel?.base == .u, index + 1 < count, letters[index + 1].vowel != nil
            else { return nil }
            onset |= UInt32(UInt8(ascii: "u")) << 8
            index += 1
        } else if onsetLength == 1, onset == UInt32(UInt8(ascii: "g")), index + 1 < count,
            letters[index].vowel?.base == .i,
            letters[index + 1].vowel != nil
        {
            onset |= UInt32(UInt8(ascii: "i")) << 8
            index += 1
        }
        guard Self.onsets.contains(onset), index < count else { return nil }
        let nucleusStart = index
        while index < count, letters[index].vowel != nil { index += 1 }
        let nucleusEnd = index
        guard nucleusEnd - nucleusStart <= 3 else { return nil }
        var coda: UInt32 = 0
        var codaLength = 0
        while index < count {
            guard letters[index].vowel == nil, !letters[index].isEth, codaLength < 2 else { return nil }
            coda |= UInt32(letters[index].consonant) << (8 * UInt32(codaLength))
            codaLength += 1
            index += 1
        }
        guard Self.codas.contains(coda) else { return nil }

        let hasTail = codaLength > 0
        Self.repairHornPair(&letters, from: nucleusStart, to: nucleusEnd, hasCoda: hasTail)
        var nucleus: UInt32 = 0
        for position in nucleusStart..<nucleusEnd {
            nucleus |= UInt32(letters[position].vowel!.base.rawValue + 1) << (8 * UInt32(position - nucleusStart))
        }
        guard Self.nuclei.contains(nucleus) else { return nil }
        self.letters = letters
        self.nucleusStart = nucleusStart
        self.nucleusEnd = nucleusEnd
        self.hasCoda = hasTail
    }

    /// `uơ` or `ưo` followed by a final consonant or vowel is always `ươ` (`được`, `người`, `rượu`).
    private static func repairHornPair(_ letters: inout [SyllableLetter], from start: Int, to end: Int, hasCoda: Bool) {
        guard end - start >= 2 else { return }
        for position in start..<(end - 1) {
            guard let first = letters[position].vowel, let second = letters[position + 1].vowel else { continue }
            let isPair =
                (first.base == .u && second.base == .oHorn) || (first.base == .uHorn && second.base == .o)
            let hasTail = hasCoda || position + 2 < end
            if isPair, hasTail {
                letters[position].vowel!.base = .uHorn
                letters[position + 1].vowel!.base = .oHorn
            }
        }
    }

    /// Index in `letters` of the vowel that should carry the tone in `style`, given the current one.
    func toneTarget(style: ToneStyle, current: Int?) -> Int {
        let nucleus = nucleusStart..<nucleusEnd
        if let marked = nucleus.last(where: { letters[$0].vowel!.base.hasShapeMark }) { return marked }
        if hasCoda { return nucleusEnd - 1 }
        switch nucleus.count {
        case 3:
            return nucleusStart + 1
        case 2:
            let first = letters[nucleusStart].vowel!.base
            let second = letters[nucleusStart + 1].vowel!.base
            let isOpenPair = (first == .o && (second == .a || second == .e)) || (first == .u && second == .y)
            guard isOpenPair else { return nucleusStart }
            switch style {
            case .press: return nucleusStart
            case .modern: return nucleusStart + 1
            case .keep:
                if let current, nucleus.contains(current) { return current }
                return nucleusStart
            }
        default:
            return nucleusStart
        }
    }
}
