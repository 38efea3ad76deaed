/// Capitals that a legacy encoding lost: TCVN3 (ABC) has no upper-case letters with a tone mark, so text typed
/// in it writes `ảnh: AP`, `ông Zelensky nói`, `ủy ban` where Unicode text has `Ảnh:`, `Ông`, `Ủy`.
///
/// Text shows the symptom when it holds no upper-case letter with a tone mark at all. In such text, a
/// lower-case toned vowel that starts a line, or a sentence (after `.`, `?`, `!` or `…` and a space), past any
/// opening quote or bracket, is made upper case; then so is a toned word inside a sentence that the article
/// writes as the start of a name elsewhere (``restoreNames(in:count:)``). Text with any toned capital is left as
/// it is: it had them to lose.
enum LostCapitals {
    /// `text` with the capitals restored, and how many; `nil` when there is nothing to restore.
    /// - Parameter knownToHoldNone: the caller read every word and found no toned capital (the normalizer's
    ///   report says so), which spares a pass over the text.
    static func restored(_ text: String, knownToHoldNone: Bool = false) -> (text: String, count: Int)? {
        var text = text
        return text.withUTF8 { bytes -> (String, Int)? in
            guard knownToHoldNone || !holdsTonedCapital(bytes) else { return nil }
            var output: [UInt8]?
            var count = 0
            // Where the words that start a line or a sentence begin: the pass over names asks.
            var sentenceStarts = Set<Int>()
            var atStart = true
            var index = 0
            while index < bytes.count {
                if !atStart {
                    // Inside a sentence only what may end it matters: a line feed, `.`, `?`, `!` and `…`
                    // (`E2 80 A6`). The bytes before the next of them are skipped sixteen at a time.
                    index = bytes.firstOffset(from: index) { lanes in
                        SixteenBytes.bytes(lanes, equalTo: 0x0A) | SixteenBytes.bytes(lanes, equalTo: 0x2E)
                            | SixteenBytes.bytes(lanes, equalTo: 0x3F) | SixteenBytes.bytes(lanes, equalTo: 0x21)
                            | SixteenBytes.bytes(lanes, equalTo: 0xE2)
                    }
                    guard index < bytes.count else { break }
                }
                let byte = bytes[index]
                if byte < 0x80 {
                    switch byte {
                    case 0x0A:
                        atStart = true
                    case 0x2E, 0x3F, 0x21:  // . ? !
                        atStart = index + 1 < bytes.count && bytes[index + 1] == 0x20
                    case 0x20, 0x22, 0x27, 0x28, 0x5B:  // space, quotes and brackets keep a start open
                        break
                    default:
                        if atStart, isLetter(UInt32(byte)) { sentenceStarts.insert(index) }
                        atStart = false
                    }
                    index += 1
                    continue
                }
                guard atStart || byte == 0xE2 else {
                    // Inside a sentence, only `…` (`E2 80 A6`) matters here: the other scalars are stepped over.
                    index += 1
                    continue
                }
                let (scalar, length) = UTF8Scalar.decodeValid(bytes, at: index)
                if atStart, isLetter(scalar) { sentenceStarts.insert(index) }
                if atStart, let vowel = VietnameseLetters.vowel(scalar), !vowel.isUppercase, vowel.tone != .level {
                    if output == nil { output = Array(bytes) }
                    capitalize(vowel, at: index, in: &output!)
                    count += 1
                }
                switch scalar {
                case 0x2026:  // …
                    atStart = index + length < bytes.count && bytes[index + length] == 0x20
                case 0x201C, 0x2018, 0xAB:  // “ ‘ «
                    break
                default:
                    atStart = false
                }
                index += length
            }
            guard var output else { return nil }
            restoreNames(in: &output, sentenceStarts: sentenceStarts, count: &count)
            return (String(decoding: output, as: UTF8.self), count)
        }
    }

    /// Writes the capital of the lower-case `vowel` over it at `index` of `bytes`: as many bytes, as each toned
    /// vowel and its capital are encoded in.
    static func capitalize(_ vowel: VowelLetter, at index: Int, in bytes: inout [UInt8]) {
        var capital = vowel
        capital.isUppercase = true
        var encoded: [UInt8] = []
        TextNormalizer.appendUTF8(capital.scalar, to: &encoded)
        bytes.replaceSubrange(index..<(index + encoded.count), with: encoded)
    }

    /// True for the letters a Vietnamese word is written with: ASCII letters, `đ`, `Đ` and the vowels.
    static func isLetter(_ scalar: UInt32) -> Bool {
        (0x41...0x5A).contains(scalar) || (0x61...0x7A).contains(scalar) || scalar == VietnameseLetters.lowercaseD
            || scalar == VietnameseLetters.uppercaseD || VietnameseLetters.vowel(scalar) != nil
    }

    /// True when `bytes` hold an upper-case vowel with a tone mark, by its UTF-8 bytes alone (most articles
    /// hold one early, and the rest are read once, at about a byte a cycle): `À`…`Ý` (`C3 80`…`C3 9D`, less
    /// `Â`, `Ê`, `Ô` and letters Vietnamese does not use), `Ĩ` (`C4 A8`), `Ũ` (`C5 A8`), and the even code
    /// points of U+1EA0…U+1EF9 (`E1 BA A0`…`E1 BB B9`), all of which carry a tone.
    static func holdsTonedCapital(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let end = bytes.count - 1
        while index < end {
            switch bytes[index] {
            case 0xC3:
                if tonedLatin1Capitals >> UInt64(bytes[index + 1] &- 0x80) & 1 != 0, bytes[index + 1] < 0xC0 {
                    return true
                }
            case 0xC4, 0xC5:
                if bytes[index + 1] == 0xA8 { return true }
            case 0xE1:
                let second = bytes[index + 1]
                if (second == 0xBA || second == 0xBB), index + 2 <= end {
                    let scalar = 0x1E00 | UInt32(second & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                    if scalar >= 0x1EA0, scalar <= 0x1EF9, scalar & 1 == 0 { return true }
                }
            default:
                break
            }
            index += 1
        }
        return false
    }

    /// Bit `n` set for `C3 (80 + n)` that is a capital with a tone mark: À Á Ã È É Ì Í Ò Ó Õ Ù Ú Ý.
    private static let tonedLatin1Capitals: UInt64 = {
        var bits: UInt64 = 0
        for scalar: UInt32 in [0xC0, 0xC1, 0xC3, 0xC8, 0xC9, 0xCC, 0xCD, 0xD2, 0xD3, 0xD5, 0xD9, 0xDA, 0xDD] {
            bits |= 1 << UInt64(scalar - 0xC0)
        }
        return bits
    }()
}
