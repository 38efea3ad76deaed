/// Which scalars belong to words, for tone placement, fingerprints and counts.
enum WordBoundaries {
    /// True for scalars that end a word: ASCII other than letters and digits, Latin-1 punctuation and symbols,
    /// general punctuation, currency, CJK punctuation. Letters of any script, digits and combining marks
    /// belong to words, so a word with a foreign letter or a stray combining mark is never taken for a
    /// Vietnamese syllable.
    @inline(__always)
    static func isSeparator(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 {
            let byte = UInt8(scalar)
            return !((byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A))
        }
        switch scalar {
        case 0x80...0xBF, 0xD7, 0xF7, 0x2000...0x206F, 0x20A0...0x20CF, 0x2190...0x2BFF, 0x3000...0x303F,
            0xFF01...0xFF0F:
            return true
        default:
            return false
        }
    }
}
