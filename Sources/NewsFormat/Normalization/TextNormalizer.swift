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

    /// Asked every ``wordsBetweenDeadlineChecks`` words; once past, the passes over words stop early and
    /// set ``NormalizationReport/stoppedAtDeadline`` (the result is then incomplete: the parser throws it
    /// away).
    var deadline = ParseDeadline.none

    /// Words between two looks at ``deadline``: a few hundred microseconds of work.
    static let wordsBetweenDeadlineChecks = 4096

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
        normalize(text, report: &report, memo: WordMemo(slotBits: 8))
    }

    /// Normalizes `text`, adding what was changed to `report`, with a memo of word facts kept across calls
    /// (one per thread) for speed.
    public func normalize(_ text: String, report: inout NormalizationReport, memo: WordMemo) -> String {
        var log: WordLog? = nil
        return normalized(text, report: &report, memo: memo, log: &log) ?? text
    }

    /// Normalizes `text`, adding what was changed to `report`; `nil` when the text is already normal, so
    /// callers keep the string they have. When `log` is given, the words of the result are recorded in it
    /// (see ``WordLog/isComplete``).
    ///
    /// The common case, text that is already clean and NFC, takes one pass over its words, which finds that
    /// it is clean and places tone marks at once; its few changes are spliced into a copy of `text` made of
    /// substrings, which needs no validation. Anything else is cleaned first.
    func normalized(
        _ text: String,
        report: inout NormalizationReport,
        memo: WordMemo,
        log: inout WordLog?
    ) -> String? {
        var bytesOfText = text
        return bytesOfText.withUTF8 { input -> String? in
            log?.begin(expectedBytes: input.count)
            if let scan = scanWords(input, memo: memo, checkingCleanliness: true, log: &log), scan.isClean {
                report.add(scan.report)
                return scan.splices.isEmpty ? nil : Self.applying(scan.splices, to: text)
            }
            let cleaned = Self.cleanedAndComposed(input, report: &report)
            let result = cleaned.withUnsafeBufferPointer { buffer -> [UInt8]? in
                log?.begin(expectedBytes: buffer.count)
                let splices: Splices
                if let scan = scanWords(buffer, memo: memo, checkingCleanliness: false, log: &log) {
                    report.add(scan.report)
                    splices = scan.splices
                } else {
                    log?.abandon()
                    splices = placeToneMarks(buffer, report: &report)
                }
                // No word changed: the cleaned bytes are the result, not a copy of them.
                return splices.isEmpty ? nil : Self.applying(splices, to: buffer)
            }
            return String(decoding: result ?? cleaned, as: UTF8.self)
        }
    }

    /// The reference the fast paths are tested against: every step in full, scalar by scalar, no memo.
    func normalizedUTF8Exactly(_ text: String, report: inout NormalizationReport) -> [UInt8] {
        var text = text
        return text.withUTF8 { input in
            Self.cleanedAndComposed(input, report: &report).withUnsafeBufferPointer { buffer in
                Self.applying(placeToneMarks(buffer, report: &report), to: buffer)
            }
        }
    }

    /// The cleaning pass, then NFC where a scalar needs it.
    private static func cleanedAndComposed(
        _ input: UnsafeBufferPointer<UInt8>,
        report: inout NormalizationReport
    ) -> [UInt8] {
        let cleaned = clean(input, report: &report)
        guard cleaned.needsNFC else { return cleaned.bytes }
        let composed = UnicodeNormalization.nfc(
            String(decoding: cleaned.bytes, as: UTF8.self), droppedMarks: &report.combiningMarksDropped)
        guard !composed.utf8.elementsEqual(cleaned.bytes) else { return cleaned.bytes }
        report.composedToNFC = true
        return Array(composed.utf8)
    }

    // MARK: - Tone marks

    /// The new spellings of words whose tone marks are misplaced or in the other style.
    ///
    /// The exact pass, scalar by scalar and without the memo: for text whose spans ``WordSpans`` cannot
    /// split on bytes alone.
    private func placeToneMarks(
        _ input: UnsafeBufferPointer<UInt8>,
        report: inout NormalizationReport
    ) -> Splices {
        var splices = Splices()
        var addresses = AddressTokens()
        let letters = VietnameseLetters.packedTable
        var index = 0
        let count = input.count
        var words = 0
        while index < count {
            words += 1
            if words % Self.wordsBetweenDeadlineChecks == 0, deadline.isPast {
                report.stoppedAtDeadline = true
                break
            }
            // One word: a run of non-separator scalars, checked as it is read; most words need nothing more.
            let wordStart = index
            var check = PlainCanonicalCheck()
            var scalarCount = 0
            var wordHasNonASCII = false
            var separatorLength = 1
            while index < count {
                let byte = input[index]
                let scalar: UInt32
                let length: Int
                if byte < 0x80 {
                    (scalar, length) = (UInt32(byte), 1)
                } else {
                    (scalar, length) = UTF8Scalar.decodeValid(input, at: index)
                }
                let entry = VietnameseLetters.packedEntry(scalar, in: letters)
                if VietnameseLetters.isTonedCapital(entry) { report.sawTonedCapital = true }
                if entry & VietnameseLetters.separatorBit != 0 {
                    separatorLength = length
                    break
                }
                if byte >= 0x80 { wordHasNonASCII = true }
                check.add(scalar, entry: entry, at: scalarCount)
                scalarCount += 1
                index += length
            }
            let position = index
            if position == wordStart {
                index += separatorLength
                continue
            }
            guard wordHasNonASCII || Self.isASCIISlip(input, wordStart..<position), scalarCount <= 8,
                !check.isPlainlyCanonical
            else { continue }
            guard !addresses.contains(wordStart..<position, of: input) else { continue }
            if let spelling = respelling(wordAt: wordStart..<position, of: input, report: &report) {
                splices.append(wordStart..<position, replacement: spelling)
            }
        }
        return splices
    }

    /// One pass over the words of clean text, with facts from `memo`: places tone marks and, when asked,
    /// tells whether the text is clean (nothing for ``clean(_:report:)`` to change, NFC as it is).
    ///
    /// - Returns: the changes, whether the text is clean, and what was changed; or `nil` when a span needs
    ///   the exact scalar-by-scalar pass (see ``WordSpans``).
    ///
    /// Words are recorded in `log`, when given, at their offsets in the result.
    private func scanWords(
        _ input: UnsafeBufferPointer<UInt8>,
        memo: WordMemo,
        checkingCleanliness: Bool,
        log: inout WordLog?
    ) -> (splices: Splices, isClean: Bool, report: NormalizationReport)? {
        var report = NormalizationReport()
        var splices = Splices()
        // How much longer the result is than the input so far: where the next word lands in the result.
        var shift = 0
        var isClean = true
        var addresses = AddressTokens()
        var spans = WordSpans(input)
        var pieces = 0
        while let piece = spans.next() {
            pieces += 1
            if pieces % Self.wordsBetweenDeadlineChecks == 0, deadline.isPast {
                report.stoppedAtDeadline = true
                break
            }
            switch piece {
            case .separator(let offset, let length, let scalar):
                guard checkingCleanliness, isClean, !Self.isCleanSeparator(scalar, at: offset, in: input) else {
                    continue
                }
                if scalar == 0xA0, Self.isLoneNonBreakingSpace(at: offset, in: input) {
                    // `TPO - `: the one change clean text often needs; made here rather than by the cleaning pass.
                    splices.append(offset..<(offset + length), replacement: CollectionOfOne(0x20))
                    shift += 1 - length
                } else {
                    isClean = false
                }
            case .word(let range):
                let facts = memo.facts(of: range, in: input)
                if facts.containsSeparator { return nil }
                if facts.holdsTonedCapital { report.sawTonedCapital = true }
                if !facts.isClean { isClean = false }
                guard !facts.isCanonical(in: toneStyle), !addresses.contains(range, of: input) else {
                    log?.append(start: range.lowerBound + shift, facts: facts)
                    continue
                }
                if let spelling = respelling(wordAt: range, of: input, report: &report) {
                    splices.append(range, replacement: spelling)
                    if log != nil {
                        let newFacts = spelling.withUnsafeBufferPointer { WordFacts($0) }
                        log?.append(start: range.lowerBound + shift, facts: newFacts)
                    }
                    shift += spelling.count - range.count
                } else {
                    memo.noteCanonical(range, in: input, style: toneStyle)
                    log?.append(start: range.lowerBound + shift, facts: facts)
                }
            }
        }
        return (splices, isClean, report)
    }

    /// True when the cleaning pass would keep this separator as it is: a single space inside a line, a line
    /// feed, printable ASCII, or a scalar other than a special space, an invisible or a C1 control that is
    /// stable under NFC.
    @inline(__always)
    private static func isCleanSeparator(_ scalar: UInt32, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool
    {
        switch scalar {
        case 0x20:
            let previous = offset > 0 ? bytes[offset - 1] : 0x0A
            let next = offset + 1 < bytes.count ? bytes[offset + 1] : 0x0A
            return previous != 0x20 && previous != 0x0A && next != 0x20 && next != 0x0A
        case 0x0A, 0x21...0x7E: return true
        case 0x00...0x1F, 0x7F...0xA0, 0xAD, 0x2000...0x200F, 0x2028...0x202F, 0x205F...0x206F: return false
        default: return UnicodeNormalization.isStableUnderNFC(scalar)
        }
    }

    /// True when the NBSP at `offset` (`C2 A0`) stands between two characters that are not spaces, so that
    /// replacing it by a space is all the cleaning pass would do there.
    private static func isLoneNonBreakingSpace(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !isSpaceOrLineEnd(at: offset - 1, in: bytes) && !isSpaceOrLineEnd(at: offset + 2, in: bytes)
    }

    /// True when the byte at `index` is a space, a line feed or either byte of an NBSP, or lies outside the
    /// text: where tokens end, and what may not stand next to a space.
    @inline(__always)
    static func isSpaceOrLineEnd(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard index >= 0, index < bytes.count else { return true }
        let byte = bytes[index]
        return byte == 0x20 || byte == 0x0A
            || (byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0)
            || (byte == 0xA0 && index > 0 && bytes[index - 1] == 0xC2)
    }

    /// `input` with `splices` made.
    private static func applying(_ splices: Splices, to input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard !splices.isEmpty else { return Array(input) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 16)
        var copiedUpTo = 0
        splices.forEach { range, replacement in
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copiedUpTo..<range.lowerBound]))
            output.append(contentsOf: replacement)
            copiedUpTo = range.upperBound
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copiedUpTo...]))
        return output
    }

    /// `text` with `splices` (byte ranges of its UTF-8 on scalar boundaries) made: built from substrings of
    /// `text`, which a string does not validate again.
    private static func applying(_ splices: Splices, to text: String) -> String {
        let utf8 = text.utf8
        var output = ""
        output.reserveCapacity(utf8.count + 16)
        var copiedUpTo = utf8.startIndex
        var copiedUpToOffset = 0
        splices.forEach { range, replacement in
            let lower = utf8.index(copiedUpTo, offsetBy: range.lowerBound - copiedUpToOffset)
            output.append(contentsOf: text[copiedUpTo..<lower])
            output.append(String(decoding: replacement, as: UTF8.self))
            copiedUpTo = utf8.index(lower, offsetBy: range.count)
            copiedUpToOffset = range.upperBound
        }
        output.append(contentsOf: text[copiedUpTo...])
        return output
    }

    /// The word in bytes `range` canonicalized, or `nil` when it is canonical already.
    private func respelling(
        wordAt range: Range<Int>,
        of input: UnsafeBufferPointer<UInt8>,
        report: inout NormalizationReport
    ) -> [UInt8]? {
        var word: [UInt32] = []
        word.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let (scalar, length) = UTF8Scalar.decodeValid(input, at: index)
            word.append(scalar)
            index += length
        }
        var replacement = canonicalized(word, report: &report) ?? word
        // The onset last, on the word as the tone pass left it: `ngh`/`gh`/`k` against the vowel after them.
        if let respelled = OnsetSpelling.repaired(replacement) {
            report.onsetSpellingsRepaired += 1
            // The tones placed again on the new spelling, so that the result is a fixed point.
            var ignored = NormalizationReport()
            replacement = canonicalized(respelled, report: &ignored) ?? respelled
        }
        guard replacement != word else { return nil }
        var spelling: [UInt8] = []
        for scalar in replacement { Self.appendUTF8(scalar, to: &spelling) }
        return spelling
    }

    /// ``OnsetSpelling/isASCIISlip(packedLowercase:)`` for the ASCII word in `range` of `input`.
    private static func isASCIISlip(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count >= 3 else { return false }
        var packed: UInt32 = 0
        for offset in 0..<3 { packed |= UInt32(input[range.lowerBound + offset] | 0x20) << (8 * UInt32(offset)) }
        return OnsetSpelling.isASCIISlip(packedLowercase: packed)
    }

    /// `word` with its tone marks placed (``ToneMarks/canonicalize(_:style:)``), counted in `report`; `nil`
    /// when they are in place.
    private func canonicalized(_ word: [UInt32], report: inout NormalizationReport) -> [UInt32]? {
        switch ToneMarks.canonicalize(word, style: toneStyle) {
        case .unchanged:
            return nil
        case .restyled(let scalars):
            report.toneMarksRestyled += 1
            return scalars
        case .repaired(let scalars):
            if word.contains(VietnameseLetters.lowercaseEth) || word.contains(VietnameseLetters.uppercaseEth) {
                report.dStrokesRepaired += 1
            }
            if Self.toneOrLetterMoved(from: word, to: scalars) { report.toneMarksRepaired += 1 }
            return scalars
        case .doubleToneRepaired(let scalars):
            report.doubleTonesRepaired += 1
            return scalars
        }
    }

    /// True when a repair moved a tone or changed a vowel, not only `Ð` → `Đ`.
    private static func toneOrLetterMoved(from old: [UInt32], to new: [UInt32]) -> Bool {
        zip(old, new).contains { old, new in
            old != new && old != VietnameseLetters.lowercaseEth && old != VietnameseLetters.uppercaseEth
        }
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
