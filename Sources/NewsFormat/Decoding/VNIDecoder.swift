/// Decodes VNI (VNI-Windows fonts): ASCII base letters followed by mark bytes that look like Latin-1 letters.
///
/// `Vieät Nam` is `Việt Nam`: `e` then `ä` (circumflex and dot below). A few letters are single bytes
/// (`ô` is `ơ`, `ö` is `ư`, `ñ` is `đ`, `í ì æ ó ò` are toned `i`, `î` is `ỵ`). Mark bytes come in a lowercase
/// and an uppercase form 0x20 apart; either is accepted after either case of vowel.
enum VNIDecoder {
    private static let circumflex: UInt32 = 0x302
    private static let breve: UInt32 = 0x306
    private static let toneMarks: [Tone: UInt32] = [
        .grave: 0x300, .acute: 0x301, .hook: 0x309, .tilde: 0x303, .dotBelow: 0x323,
    ]

    /// Combining marks for a mark byte (lowercase form), as (shape mark, tone).
    private static let marks: [UInt8: (shape: UInt32?, tone: Tone)] = [
        0xF9: (nil, .acute), 0xF8: (nil, .grave), 0xFB: (nil, .hook), 0xF5: (nil, .tilde), 0xEF: (nil, .dotBelow),
        0xE2: (circumflex, .level), 0xE1: (circumflex, .acute), 0xE0: (circumflex, .grave),
        0xE5: (circumflex, .hook), 0xE3: (circumflex, .tilde), 0xE4: (circumflex, .dotBelow),
        0xEA: (breve, .level), 0xE9: (breve, .acute), 0xE8: (breve, .grave), 0xFA: (breve, .hook),
        0xFC: (breve, .tilde), 0xEB: (breve, .dotBelow),
    ]

    /// Letters that are one byte (lowercase form; the uppercase byte is 0x20 lower).
    private static let singleLetters: [UInt8: UInt32] = [
        0xF4: 0x1A1, 0xF6: 0x1B0, 0xF1: 0x111, 0xED: 0xED, 0xEC: 0xEC, 0xE6: 0x1EC9, 0xF3: 0x129, 0xF2: 0x1ECB,
        0xEE: 0x1EF5,
    ]

    /// Decodes VNI bytes to Unicode scalars (not yet NFC: marks are combining characters).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        var output: [UInt32] = []
        output.reserveCapacity(bytes.count)
        var previousIsVowel = false
        for byte in bytes {
            if byte < 0x80 {
                output.append(UInt32(byte))
                previousIsVowel = "aeiouyAEIOUY".utf8.contains(byte)
                continue
            }
            let lower = byte | 0x20
            let isUpper = byte & 0x20 == 0
            if byte >= 0xC0, previousIsVowel, let mark = marks[lower] {
                if let shape = mark.shape { output.append(shape) }
                if let tone = toneMarks[mark.tone] { output.append(tone) }
                previousIsVowel = false
                continue
            }
            if byte >= 0xC0, let letter = singleLetters[lower] {
                output.append(isUpper ? VietnameseLetters.uppercase(of: letter) : letter)
                previousIsVowel = letter == 0x1A1 || letter == 0x1B0  // ơ, ư take tone marks
                continue
            }
            // Anything else: the Windows code page the fonts were drawn over (cp1252 punctuation, Latin-1).
            output.append(Windows1252.scalar(byte))
            previousIsVowel = false
        }
        return output
    }
}

/// The Windows-1252 code page, for the punctuation VNI and stray bytes use (curly quotes, dashes).
enum Windows1252 {
    private static let c1: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
        0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// The scalar for one byte.
    static func scalar(_ byte: UInt8) -> UInt32 {
        (0x80...0x9F).contains(byte) ? c1[Int(byte) - 0x80] : UInt32(byte)
    }
}
