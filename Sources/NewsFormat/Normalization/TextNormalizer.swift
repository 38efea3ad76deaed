/// What normalizing a text changed, for the record's warnings.
public struct NormalizationReport: Sendable, Equatable {
    /// Tone marks placed where no style allows them, moved (`hòan` → `hoàn`), plus `uơ` → `ươ` repairs.
    public var toneMarksRepaired = 0
    /// Tone marks moved from one allowed style to the chosen one (`hoà` → `hòa`); not a defect of the input.
    public var toneMarksRestyled = 0
    /// `Ð`/`ð` typed for `Đ`/`đ` inside Vietnamese words, repaired.
    public var dStrokesRepaired = 0
    /// Control characters (C0 other than tab and line ends, DEL, C1) removed.
    public var controlCharactersRemoved = 0
    /// Zero-width characters, soft hyphens and direction marks removed.
    public var invisibleCharactersRemoved = 0
    /// True when the text was not NFC and was composed.
    public var composedToNFC = false

    /// Creates an empty report.
    public init() {}
}

/// Normalizes Vietnamese text: NFC, one line ending, one kind of space, no invisible or control characters,
/// trimmed lines, and tone marks placed in one consistent style.
///
/// Line structure is kept: each input line gives one output line (CRLF and CR count as one line end).
/// Normalizing is idempotent. The work is done on UTF-8 bytes; the general Unicode algorithm runs only when
/// a scalar outside the always-NFC ranges appears, and the tone pass looks only at words with non-ASCII
/// letters.
public struct TextNormalizer: Sendable {
    /// Where tone marks go in `oa`, `oe`, `uy`.
    public var toneStyle: ToneStyle

    /// Creates a normalizer.
    public init(toneStyle: ToneStyle = .press) {
        self.toneStyle = toneStyle
    }

    /// Normalizes `text`.
    /// - Returns: the normalized text and what was changed.
    public func normalize(_ text: String) -> (text: String, report: NormalizationReport) {
        var report = NormalizationReport()
        let normalized = normalize(text, report: &report)
        return (normalized, report)
    }

    /// Normalizes `text`, adding what was changed to `report`.
    public func normalize(_ text: String, report: inout NormalizationReport) -> String {
        var text = text
        let cleaned = text.withUTF8 { Self.clean($0, report: &report) }
        var bytes = cleaned.bytes
        if cleaned.needsNFC {
            let composed = UnicodeNormalization.nfc(String(decoding: bytes, as: UTF8.self))
            if !composed.utf8.elementsEqual(bytes) {
                report.composedToNFC = true
                bytes = Array(composed.utf8)
            }
        }
        if cleaned.hasNonASCII {
            bytes = bytes.withUnsafeBufferPointer { placeToneMarks($0, report: &report) } ?? bytes
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Cleaning

    /// One pass over valid UTF-8: line ends to LF, spaces to U+0020 collapsed and trimmed per line,
    /// invisible and control characters removed.
    private static func clean(
        _ input: UnsafeBufferPointer<UInt8>,
        report: inout NormalizationReport
    ) -> (bytes: [UInt8], needsNFC: Bool, hasNonASCII: Bool) {
        var needsNFC = false
        var hasNonASCII = false
        var removedControls = 0
        var removedInvisibles = 0
        let count = input.count
        // Every replacement is no longer than what it replaces, so the output fits in the input's size.
        let output = [UInt8](unsafeUninitializedCapacity: count) { output, written in
            var length = 0
            var pendingSpace = false
            var lineHasContent = false
            var previousScalar: UInt32 = 0
            var index = 0
            @inline(__always) func append(_ byte: UInt8) {
                output[length] = byte
                length += 1
            }
            while index < count {
                let byte = input[index]
                if byte >= 0x21 && byte < 0x7F {
                    if pendingSpace {
                        append(0x20)
                        pendingSpace = false
                    }
                    append(byte)
                    lineHasContent = true
                    previousScalar = UInt32(byte)
                    index += 1
                    continue
                }
                let scalar: UInt32
                let scalarLength: Int
                if byte < 0x80 {
                    (scalar, scalarLength) = (UInt32(byte), 1)
                } else {
                    // A String's UTF-8 is always valid; the fallback only keeps the loop total.
                    (scalar, scalarLength) = UTF8Scalar.decode(input, at: index) ?? (UInt32(byte), 1)
                }
                switch scalar {
                case 0x0A, 0x85, 0x2028, 0x2029:
                    append(0x0A)
                    pendingSpace = false
                    lineHasContent = false
                case 0x0D:
                    if index + 1 < count, input[index + 1] == 0x0A { index += 1 }
                    append(0x0A)
                    pendingSpace = false
                    lineHasContent = false
                case 0x20, 0x09, 0x0B, 0x0C, 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
                    pendingSpace = lineHasContent
                    previousScalar = 0x20
                case 0x00...0x1F, 0x7F...0x9F:
                    removedControls += 1
                case 0xAD, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x180E:
                    removedInvisibles += 1
                case 0x200C...0x200D where !Self.usesJoiners(previousScalar):
                    // Joiners after Latin letters are debris; after emoji or in scripts that need them they are kept.
                    removedInvisibles += 1
                default:
                    if pendingSpace {
                        append(0x20)
                        pendingSpace = false
                    }
                    for offset in 0..<scalarLength { append(input[index + offset]) }
                    lineHasContent = true
                    hasNonASCII = true
                    if !UnicodeNormalization.isStableUnderNFC(scalar) { needsNFC = true }
                    previousScalar = scalar
                }
                index += scalarLength
            }
            written = length
        }
        report.controlCharactersRemoved += removedControls
        report.invisibleCharactersRemoved += removedInvisibles
        return (output, needsNFC, hasNonASCII)
    }

    /// True after a scalar of a script or symbol set that uses zero-width joiners (Hebrew to Mongolian,
    /// emoji and symbols from U+2600, East Asian scripts). The ranges are closed under NFC, so whether a
    /// joiner is kept does not change when the text is composed: normalizing stays idempotent.
    @inline(__always)
    private static func usesJoiners(_ scalar: UInt32) -> Bool {
        (0x0590...0x1DFF).contains(scalar) || scalar >= 0x2600
    }

    // MARK: - Tone marks

    /// Rewrites words whose tone marks are misplaced or in the other style; `nil` when nothing changed.
    private func placeToneMarks(
        _ input: UnsafeBufferPointer<UInt8>,
        report: inout NormalizationReport
    ) -> [UInt8]? {
        var output: [UInt8]?
        var copiedUpTo = 0
        var word: [UInt32] = []
        word.reserveCapacity(16)
        var index = 0
        let count = input.count
        while index < count {
            // Tokens are separated by spaces and line ends; URLs and e-mail addresses are left alone.
            let tokenStart = index
            var tokenEnd = index
            var tokenHasNonASCII = false
            while tokenEnd < count, input[tokenEnd] != 0x20, input[tokenEnd] != 0x0A {
                if input[tokenEnd] >= 0x80 { tokenHasNonASCII = true }
                tokenEnd += 1
            }
            defer { index = tokenEnd + 1 }
            guard tokenHasNonASCII, !Self.isAddress(input, from: tokenStart, to: tokenEnd) else { continue }
            var position = tokenStart
            while position < tokenEnd {
                // One word: a run of non-separator scalars.
                let wordStart = position
                word.removeAll(keepingCapacity: true)
                var wordHasNonASCII = false
                while position < tokenEnd {
                    let (scalar, length) = UTF8Scalar.decode(input, at: position) ?? (0xFFFD, 1)
                    if WordBoundaries.isSeparator(scalar) {
                        if position == wordStart { position += length }
                        break
                    }
                    word.append(scalar)
                    if scalar >= 0x80 { wordHasNonASCII = true }
                    position += length
                }
                guard wordHasNonASCII, word.count <= 8, !Self.isPlainlyCanonical(word) else { continue }
                let replacement: [UInt32]
                switch ToneMarks.canonicalize(word, style: toneStyle) {
                case .unchanged:
                    continue
                case .restyled(let scalars):
                    report.toneMarksRestyled += 1
                    replacement = scalars
                case .repaired(let scalars):
                    if word.contains(VietnameseLetters.lowercaseEth) || word.contains(VietnameseLetters.uppercaseEth) {
                        report.dStrokesRepaired += 1
                    }
                    if Self.toneOrLetterMoved(from: word, to: scalars) { report.toneMarksRepaired += 1 }
                    replacement = scalars
                }
                if output == nil {
                    output = []
                    output!.reserveCapacity(count + 16)
                }
                output!.append(contentsOf: input[copiedUpTo..<wordStart])
                for scalar in replacement { Self.appendUTF8(scalar, to: &output!) }
                copiedUpTo = position
            }
        }
        guard var output else { return nil }
        output.append(contentsOf: input[copiedUpTo..<count])
        return output
    }

    /// A word whose tone is on its only vowel, or on its last vowel with a shape mark (and no `uơ`/`ưo`
    /// to repair), is canonical in every style; most words are, and they skip the full analysis.
    @inline(__always)
    private static func isPlainlyCanonical(_ word: [UInt32]) -> Bool {
        var vowels = 0
        var tonedIndex = -1
        var tonedHasShape = false
        var lastShapedIndex = -1
        var previousBase: VowelBase?
        for (index, scalar) in word.enumerated() {
            if scalar == VietnameseLetters.lowercaseEth || scalar == VietnameseLetters.uppercaseEth { return false }
            guard let vowel = VietnameseLetters.vowel(scalar) else {
                previousBase = nil
                continue
            }
            vowels += 1
            if vowel.base.hasShapeMark { lastShapedIndex = index }
            if vowel.tone != .level {
                if tonedIndex >= 0 { return true }  // two tones: not a syllable, never changed
                tonedIndex = index
                tonedHasShape = vowel.base.hasShapeMark
            }
            if let previousBase,
                (previousBase == .u && vowel.base == .oHorn) || (previousBase == .uHorn && vowel.base == .o)
            {
                return false
            }
            previousBase = vowel.base
        }
        if tonedIndex < 0 { return true }
        if vowels == 1 { return true }
        return tonedHasShape && tonedIndex == lastShapedIndex
    }

    /// True when a repair moved a tone or changed a vowel, not only `Ð` → `Đ`.
    private static func toneOrLetterMoved(from old: [UInt32], to new: [UInt32]) -> Bool {
        zip(old, new).contains { old, new in
            old != new && old != VietnameseLetters.lowercaseEth && old != VietnameseLetters.uppercaseEth
        }
    }

    /// URLs (`scheme://`, `www.`) and e-mail addresses are never rewritten.
    private static func isAddress(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        let token = bytes[start..<end]
        if token.contains(UInt8(ascii: "@")) { return true }
        if token.starts(with: "www.".utf8) { return true }
        var index = start
        while index + 2 < end {
            if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
                bytes[index + 2] == UInt8(ascii: "/")
            {
                return true
            }
            index += 1
        }
        return false
    }

    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            output.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
