/// Capitals that a legacy encoding lost: TCVN3 (ABC) has no upper-case letters with a tone mark, so text typed
/// in it writes `ảnh: AP`, `ông Zelensky nói`, `ủy ban` where Unicode text has `Ảnh:`, `Ông`, `Ủy`.
///
/// Text shows the symptom when it holds no upper-case letter with a tone mark at all. In such text, a
/// lower-case toned vowel that starts a line, or a sentence (after `.`, `?`, `!` or `…` and a space), past any
/// opening quote or bracket, is made upper case. Text with any toned capital is left as it is: it had them to
/// lose.
enum LostCapitals {
    /// `text` with the capitals restored, and how many; `nil` when there is nothing to restore.
    static func restored(_ text: String) -> (text: String, count: Int)? {
        var text = text
        return text.withUTF8 { bytes -> (String, Int)? in
            guard !holdsTonedCapital(bytes) else { return nil }
            var output: [UInt8]?
            var count = 0
            var atStart = true
            var index = 0
            while index < bytes.count {
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
                        atStart = false
                    }
                    index += 1
                    continue
                }
                let (scalar, length) = UTF8Scalar.decodeValid(bytes, at: index)
                if atStart, var vowel = VietnameseLetters.vowel(scalar), !vowel.isUppercase, vowel.tone != .level {
                    vowel.isUppercase = true
                    if output == nil { output = Array(bytes) }
                    var capital: [UInt8] = []
                    TextNormalizer.appendUTF8(vowel.scalar, to: &capital)
                    // Same length: each toned vowel and its capital are encoded in as many bytes.
                    output!.replaceSubrange(index..<(index + length), with: capital)
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
            guard let output else { return nil }
            return (String(decoding: output, as: UTF8.self), count)
        }
    }

    /// True when `bytes` hold an upper-case vowel with a tone mark.
    private static func holdsTonedCapital(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            guard bytes[index] >= 0xC3 else {
                index += 1
                continue
            }
            let (scalar, length) = UTF8Scalar.decodeValid(bytes, at: index)
            if let vowel = VietnameseLetters.vowel(scalar), vowel.isUppercase, vowel.tone != .level { return true }
            index += length
        }
        return false
    }
}
