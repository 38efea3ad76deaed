import NewsFormat

/// Encodes Unicode text into the encodings articles arrive in, to make test input.
///
/// Written independently of the decoders: letters are built from their parts (base letter, shape mark, tone)
/// per each encoding's published scheme, so a test that decodes what this encodes checks two separate
/// descriptions of the same tables.
public enum LegacyEncoder {
    /// The bytes of `text` in `encoding` (BOM included for `utf-8-bom` and UTF-16).
    public static func encode(_ text: String, as encoding: TextEncoding) -> [UInt8] {
        switch encoding {
        case .utf8: return Array(text.utf8)
        case .utf8BOM: return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case .utf16LE: return [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .utf16BE: return [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .windows1258: return text.unicodeScalars.flatMap(windows1258)
        case .tcvn3: return text.unicodeScalars.flatMap(tcvn3)
        case .vni: return text.unicodeScalars.flatMap(vni)
        }
    }

    /// A Vietnamese letter taken apart: base (`a`, `ă`, … `đ`), tone index (0 none, 1 grave, 2 acute,
    /// 3 hook, 4 tilde, 5 dot below), upper case.
    struct Letter {
        var base: Character
        var tone: Int
        var isUppercase: Bool
    }

    private static let toneMarks: [Unicode.Scalar: Int] = [
        "\u{300}": 1, "\u{301}": 2, "\u{309}": 3, "\u{303}": 4, "\u{323}": 5,
    ]

    /// Splits a precomposed Vietnamese letter using its canonical decomposition.
    static func letter(_ scalar: Unicode.Scalar) -> Letter? {
        let decomposed = String(scalar).decomposedStringWithCanonicalMappingCompat.unicodeScalars
        var tone = 0
        var rest = String.UnicodeScalarView()
        for part in decomposed {
            if let mark = toneMarks[part] { tone = mark } else { rest.append(part) }
        }
        let base = String(rest).precomposedStringWithCanonicalMappingCompat
        guard base.count == 1, let character = base.first else { return nil }
        let lower = Character(character.lowercased())
        guard "aăâeêioôơuưyđ".contains(lower), scalar.value >= 0x80 || tone == 0 else { return nil }
        return Letter(base: lower, tone: tone, isUppercase: character.isUppercase)
    }

    // MARK: Windows-1258: base letter byte, then a combining tone byte.

    private static let windows1258Bases: [Character: (lower: UInt8, upper: UInt8)] = [
        "ă": (0xE3, 0xC3), "â": (0xE2, 0xC2), "ê": (0xEA, 0xCA), "ô": (0xF4, 0xD4), "ơ": (0xF5, 0xD5),
        "ư": (0xFD, 0xDD), "đ": (0xF0, 0xD0),
    ]
    private static let windows1258Tones: [UInt8] = [0, 0xCC, 0xEC, 0xD2, 0xDE, 0xF2]
    private static let windows1258Punctuation: [Unicode.Scalar: UInt8] = [
        "“": 0x93, "”": 0x94, "‘": 0x91, "’": 0x92, "–": 0x96, "—": 0x97, "…": 0x85, "\u{A0}": 0xA0,
    ]

    static func windows1258(_ scalar: Unicode.Scalar) -> [UInt8] {
        if scalar.isASCII { return [UInt8(scalar.value)] }
        if let byte = windows1258Punctuation[scalar] { return [byte] }
        guard let letter = letter(scalar) else { return [UInt8(ascii: "?")] }
        var bytes: [UInt8]
        if let pair = windows1258Bases[letter.base] {
            bytes = [letter.isUppercase ? pair.upper : pair.lower]
        } else {
            let ascii = UInt8(ascii: letter.base.unicodeScalars.first!)
            bytes = [letter.isUppercase ? ascii - 0x20 : ascii]
        }
        if letter.tone > 0 { bytes.append(windows1258Tones[letter.tone]) }
        return bytes
    }

    // MARK: TCVN3: precomposed letters in the upper half; ASCII punctuation only.

    private static let tcvn3Letters: [UInt32: UInt8] = {
        // Lowercase letters of TCVN 5712 VN3, laid out by base (rows) and tone (columns: none, grave, hook,
        // tilde, acute, dot), as the standard's table prints them.
        let rows: [(Character, [UInt8])] = [
            ("a", [0x61, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9]), ("ă", [0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6]),
            ("â", [0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB]), ("e", [0x65, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1]),
            ("ê", [0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6]), ("i", [0x69, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE]),
            ("o", [0x6F, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4]), ("ô", [0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9]),
            ("ơ", [0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE]), ("u", [0x75, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4]),
            ("ư", [0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9]), ("y", [0x79, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE]),
        ]
        let toneOrder = [0, 1, 3, 4, 2, 5]  // column → tone index
        var table: [UInt32: UInt8] = [
            0x111: 0xAE, 0x110: 0xA7, 0x102: 0xA1, 0xC2: 0xA2, 0xCA: 0xA3, 0xD4: 0xA4, 0x1A0: 0xA5, 0x1AF: 0xA6,
        ]
        for (base, bytes) in rows {
            for (column, byte) in bytes.enumerated() {
                let composed = compose(base: base, tone: toneOrder[column])
                table[composed.value] = byte
            }
        }
        return table
    }()

    private static let tcvn3ToneBytes: [UInt8] = [0, 0xB0, 0xB3, 0xB1, 0xB2, 0xB4]

    static func tcvn3(_ scalar: Unicode.Scalar) -> [UInt8] {
        if scalar.isASCII { return [UInt8(scalar.value)] }
        if let byte = tcvn3Letters[scalar.value] { return [byte] }
        if scalar == "\u{A0}" { return [0xA0] }
        // Upper-case toned letters: the upper-case base, then the combining tone byte.
        guard let letter = letter(scalar) else { return [UInt8(ascii: "?")] }
        let base = compose(base: letter.base, tone: 0, uppercase: letter.isUppercase)
        return tcvn3(base) + (letter.tone > 0 ? [tcvn3ToneBytes[letter.tone]] : [])
    }

    // MARK: VNI: ASCII base letter, then a mark byte; a few letters are single bytes.

    private static let vniToneOnly: [UInt8] = [0, 0xF8, 0xF9, 0xFB, 0xF5, 0xEF]
    private static let vniCircumflex: [UInt8] = [0xE2, 0xE0, 0xE1, 0xE5, 0xE3, 0xE4]
    private static let vniBreve: [UInt8] = [0xEA, 0xE8, 0xE9, 0xFA, 0xFC, 0xEB]
    private static let vniToneOfI: [UInt8] = [0x69, 0xEC, 0xED, 0xE6, 0xF3, 0xF2]

    static func vni(_ scalar: Unicode.Scalar) -> [UInt8] {
        if scalar.isASCII { return [UInt8(scalar.value)] }
        if scalar == "\u{A0}" { return [0xA0] }
        guard let letter = letter(scalar) else { return [UInt8(ascii: "?")] }
        let upper: (UInt8) -> UInt8 = { letter.isUppercase ? $0 - 0x20 : $0 }
        switch letter.base {
        case "đ": return [upper(0xF1)]
        case "i": return letter.tone == 0 ? [upper(0x69)] : [upper(vniToneOfI[letter.tone])]
        case "y" where letter.tone == 5: return [upper(0xEE)]
        case "ơ": return [upper(0xF4)] + (letter.tone > 0 ? [upper(vniToneOnly[letter.tone])] : [])
        case "ư": return [upper(0xF6)] + (letter.tone > 0 ? [upper(vniToneOnly[letter.tone])] : [])
        case "ă": return [upper(0x61), upper(vniBreve[letter.tone])]
        case "â": return [upper(0x61), upper(vniCircumflex[letter.tone])]
        case "ê": return [upper(0x65), upper(vniCircumflex[letter.tone])]
        case "ô": return [upper(0x6F), upper(vniCircumflex[letter.tone])]
        default:
            let ascii = UInt8(ascii: letter.base.unicodeScalars.first!)
            return [upper(ascii)] + (letter.tone > 0 ? [upper(vniToneOnly[letter.tone])] : [])
        }
    }

    private static func compose(base: Character, tone: Int, uppercase: Bool = false) -> Unicode.Scalar {
        let marks: [String] = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"]
        var text = String(base) + marks[tone]
        if uppercase { text = text.uppercased() }
        return text.precomposedStringWithCanonicalMappingCompat.unicodeScalars.first!
    }
}
