import Foundation

/// Text decoded from an article's bytes, with the encoding it was found in.
public struct DecodedText: Sendable, Equatable {
    /// The text; not yet normalized (it may hold combining marks, CRLF, NBSP…).
    public var text: String
    /// What the bytes were.
    public var encoding: TextEncoding
    /// What decoding noticed (`decoded_from:tcvn3`, `invalid_utf8_bytes_decoded_as_windows-1258:2`).
    public var warnings: [String]
}

/// Finds the encoding of an article's bytes and decodes them.
///
/// UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised directly. Bytes that are not valid UTF-8
/// are decoded with each legacy Vietnamese table (Windows-1258, TCVN3, VNI) and, for text that is mostly
/// UTF-8, with the odd invalid byte read as Windows-1258; the candidate whose words are most often real
/// Vietnamese syllables wins. When none fits, the input is reported, never decoded lossily.
public enum TextDecoder {
    /// Decodes bytes, detecting their encoding.
    /// - Throws: ``ArticleParseError`` for empty input, binary data, or bytes no encoding fits.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(ArticleParseError) -> DecodedText {
        if bytes.starts(with: [0xFF, 0xFE]) {
            return try checked(decodeUTF16(bytes, littleEndian: true), encoding: .utf16LE)
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return try checked(decodeUTF16(bytes, littleEndian: false), encoding: .utf16BE)
        }
        if let base = bytes.baseAddress, let nul = memchr(base, 0, bytes.count) {
            throw ArticleParseError(
                .binary, offset: base.distance(to: nul.assumingMemoryBound(to: UInt8.self)),
                reason: "not text: NUL byte")
        }
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let body = UnsafeBufferPointer(rebasing: bytes[(hasBOM ? 3 : 0)...])
        if let text = String(validating: body, as: UTF8.self) {
            return try checked((text, []), encoding: hasBOM ? .utf8BOM : .utf8)
        }
        let legacy = try decodeLegacy(body, bomOffset: hasBOM ? 3 : 0)
        return try checked((legacy.text, legacy.warnings), encoding: legacy.encoding)
    }

    /// Decodes bytes whose charset a server declared (`Content-Type: …; charset=…`). A declared Windows-1258
    /// is honoured unless the bytes are valid UTF-8 with letters beyond ASCII (a wrong label: they are read as
    /// UTF-8, with a warning); UTF-8, ASCII or no declaration leave the choice to detection; another charset
    /// is detected too, with a warning.
    /// - Throws: ``ArticleParseError`` as ``decode(_:)``.
    public static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>,
        declaredCharset: String?
    ) throws(ArticleParseError) -> DecodedText {
        let declared = declaredCharset?.lowercased().trimmingCharacters(in: .whitespaces).trimmingCharacters(
            in: CharacterSet(charactersIn: "\"'"))
        switch declared {
        case nil, "utf-8", "utf8", "us-ascii", "ascii":
            return try decode(bytes)
        case "windows-1258", "cp1258", "x-cp1258":
            let isUTF8 = String(validating: bytes, as: UTF8.self) != nil
            if isUTF8 && bytes.contains(where: { $0 >= 0x80 }) {
                var decoded = try decode(bytes)
                decoded.warnings.append("declared_charset_ignored:windows-1258")
                return decoded
            }
            if isUTF8 { return try decode(bytes) }
            if bytes.firstIndex(of: 0) != nil { return try decode(bytes) }  // reported as binary there
            let scalars = decodeTable(bytes, high: LegacyCodeTables.windows1258High, low: [:])
            let text = UnicodeNormalization.nfc(String(scalars: scalars))
            return try checked((text, ["decoded_from:windows-1258"]), encoding: .windows1258)
        default:
            var decoded = try decode(bytes)
            decoded.warnings.append("declared_charset_unsupported:\(declared ?? "")")
            return decoded
        }
    }

    /// Rejects empty text and text that is mostly control characters.
    private static func checked(
        _ decoded: (text: String, warnings: [String]),
        encoding: TextEncoding
    ) throws(ArticleParseError) -> DecodedText {
        var text = decoded.text
        let (controls, visible) = text.withUTF8 { bytes in
            // Most text holds no control character at all; then one plainly visible character (printable ASCII
            // or the lead byte of a scalar other than U+FEFF) is all there is to know.
            if !Self.mayHoldControls(bytes),
                bytes.contains(where: { (0x21...0x7E).contains($0) || ($0 >= 0xC3 && $0 != 0xEF) })
            {
                return (0, 1)
            }
            return Self.countControlsAndVisible(bytes)
        }
        if visible == 0 {
            throw ArticleParseError(.empty, reason: "no text: the input is empty or only white space")
        }
        if controls > 8, controls * 10 > visible {
            throw ArticleParseError(
                .controlCharacters,
                reason: "not text: \(controls) control characters against \(visible) visible characters"
            )
        }
        return DecodedText(text: decoded.text, encoding: encoding, warnings: decoded.warnings)
    }

    /// Control characters (C0 other than white space, DEL, C1) and visible characters in valid UTF-8.
    private static func countControlsAndVisible(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var controls = 0
        var visible = 0
        // Valid UTF-8: only lead bytes start characters, and the few non-ASCII characters that are not
        // visible are told by their first two or three bytes (C1 controls, NBSP, U+FEFF).
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = bytes[index]
            switch byte {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20: break
            case 0x00...0x1F, 0x7F: controls += 1
            case 0x80...0xBF: break  // continuation
            case 0xC2 where index + 1 < count && bytes[index + 1] <= 0x9F: controls += 1  // U+0080…U+009F
            case 0xC2 where index + 1 < count && bytes[index + 1] == 0xA0: break  // NBSP
            case 0xEF where index + 2 < count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF: break
            default: visible += 1
            }
            index += 1
        }
        return (controls, visible)
    }

    /// False when no byte is a control character other than line feed, carriage return or tab, nor the start of
    /// a C1 control (`C2 80`…`C2 9F`): the bytes that may be one are found sixteen at a time.
    private static func mayHoldControls(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while true {
            // Line feeds, carriage returns and tabs are not flagged: every line holds one.
            index = bytes.firstOffset(from: index) { lanes in
                SixteenBytes.asciiBytes(lanes, from: 0x00, through: 0x08)
                    | SixteenBytes.asciiBytes(lanes, from: 0x0B, through: 0x0C)
                    | SixteenBytes.asciiBytes(lanes, from: 0x0E, through: 0x1F)
                    | SixteenBytes.bytes(lanes, equalTo: 0xC2) | SixteenBytes.bytes(lanes, equalTo: 0x7F)
            }
            guard index < bytes.count else { return false }
            if Self.isSuspect(bytes, at: index) { return true }
            index += 1
        }
    }

    /// A control character other than line feed, carriage return or tab, or the start of a C1 control.
    @inline(__always)
    private static func isSuspect(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let byte = bytes[index]
        if byte == 0xC2 { return index + 1 < bytes.count && bytes[index + 1] <= 0x9F }
        return (byte < 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09) || byte == 0x7F
    }

    private static func decodeUTF16(
        _ bytes: UnsafeBufferPointer<UInt8>,
        littleEndian: Bool
    ) -> (String, [String]) {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 2
        while index + 1 < bytes.count {
            let (low, high) = littleEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
            units.append(UInt16(high) << 8 | UInt16(low))
            index += 2
        }
        var warnings: [String] = []
        if bytes.count % 2 != 0 { warnings.append("utf16_odd_trailing_byte") }
        var scalars = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var decoder = UTF16()
        var invalid = 0
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .error:
                invalid += 1
                scalars.append("\u{FFFD}")
            case .emptyInput: break decoding
            }
        }
        if invalid > 0 { warnings.append("invalid_utf16_replaced:\(invalid)") }
        return (String(scalars), warnings)
    }

    /// How much of the input the candidate readings are compared on: all of any real article, and enough of
    /// a larger input to tell. Only the winner reads the whole input, so a 10 MiB file of stray bytes costs
    /// one reading, not four held at once (4 s and 500 MB before).
    static let legacySampleBytes = 256 << 10

    /// Tries every legacy table and the lenient UTF-8 reading on the first ``legacySampleBytes`` (up to a line
    /// end); the one that reads as Vietnamese best reads the whole input.
    private static func decodeLegacy(
        _ bytes: UnsafeBufferPointer<UInt8>,
        bomOffset: Int
    ) throws(ArticleParseError) -> (text: String, encoding: TextEncoding, warnings: [String]) {
        let firstInvalid = firstInvalidUTF8Offset(bytes)
        struct Candidate {
            var encoding: TextEncoding
            var decode: (UnsafeBufferPointer<UInt8>) -> (scalars: [UInt32], warnings: [String])
        }
        let candidates: [Candidate] = [
            Candidate(encoding: .windows1258) { bytes in
                (decodeTable(bytes, high: LegacyCodeTables.windows1258High, low: [:]), ["decoded_from:windows-1258"])
            },
            Candidate(encoding: .tcvn3) { bytes in
                (
                    decodeTable(bytes, high: LegacyCodeTables.tcvn3High, low: LegacyCodeTables.tcvn3Low),
                    ["decoded_from:tcvn3"]
                )
            },
            Candidate(encoding: .vni) { bytes in (VNIDecoder.decode(bytes), ["decoded_from:vni"]) },
            Candidate(encoding: .utf8) { bytes in
                let lenient = decodeLenientUTF8(bytes)
                return (lenient.scalars, ["invalid_utf8_bytes_decoded_as_windows-1258:\(lenient.invalidBytes)"])
            },
        ]
        let sample = UnsafeBufferPointer(rebasing: bytes[..<sampleEnd(of: bytes)])
        var best: (candidate: Candidate, text: String, warnings: [String], score: SyllableScore)?
        for candidate in candidates {
            let decoded = candidate.decode(sample)
            let text = UnicodeNormalization.nfc(String(scalars: decoded.scalars))
            let score = SyllableScore(text)
            if best == nil || score.value > best!.score.value { best = (candidate, text, decoded.warnings, score) }
        }
        guard let best, best.score.syllables > 0, best.score.syllables >= 2 * best.score.nonSyllables else {
            throw ArticleParseError(
                .undecodable,
                offset: firstInvalid + bomOffset,
                reason: "invalid UTF-8, and no legacy Vietnamese encoding (Windows-1258, TCVN3, VNI) fits the bytes"
            )
        }
        guard sample.count < bytes.count else { return (best.text, best.candidate.encoding, best.warnings) }
        let whole = best.candidate.decode(bytes)
        return (UnicodeNormalization.nfc(String(scalars: whole.scalars)), best.candidate.encoding, whole.warnings)
    }

    /// Where the sample the candidates are compared on ends: the input's end, or the last line end within
    /// ``legacySampleBytes`` (that many bytes when there is none).
    private static func sampleEnd(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard bytes.count > legacySampleBytes else { return bytes.count }
        var end = legacySampleBytes
        while end > legacySampleBytes / 2, bytes[end - 1] != 0x0A { end -= 1 }
        return bytes[end - 1] == 0x0A ? end : legacySampleBytes
    }

    private static func decodeTable(
        _ bytes: UnsafeBufferPointer<UInt8>,
        high: [UInt32],
        low: [UInt8: UInt32]
    ) -> [UInt32] {
        bytes.map { byte in
            if byte >= 0x80 { return high[Int(byte) - 0x80] }
            if byte < 0x20, let letter = low[byte] { return letter }
            return UInt32(byte)
        }
    }

    /// UTF-8 where it is valid; each byte of an invalid sequence read as Windows-1258.
    private static func decodeLenientUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> (scalars: [UInt32], invalidBytes: Int)
    {
        var scalars: [UInt32] = []
        scalars.reserveCapacity(bytes.count)
        var invalid = 0
        var index = 0
        while index < bytes.count {
            if let (scalar, length) = UTF8Scalar.decode(bytes, at: index) {
                scalars.append(scalar)
                index += length
            } else {
                let byte = bytes[index]
                scalars.append(byte < 0x80 ? UInt32(byte) : LegacyCodeTables.windows1258High[Int(byte) - 0x80])
                invalid += 1
                index += 1
            }
        }
        return (scalars, invalid)
    }

    private static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var index = 0
        while index < bytes.count {
            guard let (_, length) = UTF8Scalar.decode(bytes, at: index) else { return index }
            index += length
        }
        return bytes.count
    }
}

extension String {
    /// A string from Unicode scalar values; values that are not scalars become U+FFFD.
    init(scalars: [UInt32]) {
        var view = String.UnicodeScalarView()
        view.reserveCapacity(scalars.count)
        for value in scalars { view.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
        self = String(view)
    }
}
