/// Turns the bytes of one article into a ``ParsedArticle``: decode, normalize, find the structure.
///
/// Pure: no files, clocks or queues, so the same bytes always give the same article.
public struct ArticleParser: Sendable {
    /// Where tone marks go.
    public var toneStyle: ToneStyle
    /// The outlets whose lead prefixes are recognised.
    public var outlets: OutletTable

    /// Creates a parser.
    public init(toneStyle: ToneStyle = .press, outlets: OutletTable = .standard) {
        self.toneStyle = toneStyle
        self.outlets = outlets
    }

    /// Longest block still taken for a headline, in bytes (about 40 Vietnamese words).
    static let maximumTitleLength = 300

    /// Short blocks without final punctuation between paragraphs are captions without a credit when they
    /// have at most this many words.
    static let maximumCaptionWords = 25

    /// Openings of the related-article lines scrapers leave between paragraphs, as UTF-8.
    private static let relatedMarkers: [[UInt8]] = [
        "Xem thêm:", "Xem thêm :", "Đọc thêm:", "Tin liên quan", "TIN LIÊN QUAN", ">>", "=>", "►",
    ].map { Array($0.utf8) }

    /// True when `block` opens like a related-article line.
    private static func isRelatedLine(_ block: String) -> Bool {
        block.withUTF8Bytes { bytes in relatedMarkers.contains { bytes.starts(with: $0) } }
    }

    /// Parses one article.
    /// - Parameters:
    ///   - bytes: the file's bytes.
    ///   - memo: facts of words seen before, kept across calls for speed (one per thread); the result is the
    ///     same without it.
    ///   - deadline: when to give up (`parse_timeout`); none by default.
    /// - Throws: ``ArticleParseError`` when the bytes are not text or hold no text, or past `deadline`.
    public func parse(
        _ bytes: [UInt8], memo: WordMemo? = nil, deadline: ParseDeadline = .none
    ) throws(ArticleParseError) -> ParsedArticle {
        let decoded = try bytes.withUnsafeBufferPointer { buffer throws(ArticleParseError) in
            try TextDecoder.decode(buffer)
        }
        return try parse(decoded, memo: memo, deadline: deadline)
    }

    /// The most non-empty lines (blocks: title, lead, paragraphs, captions and the rest) an article may have.
    /// A news article has tens, a long one a few hundred; past this the input is refused, before its blocks are
    /// held in memory, rather than turned into a record many times its size.
    public static let maxBlocks = 50_000

    /// Parses text already decoded.
    /// - Throws: ``ArticleParseError``: `record_too_large` past ``maxBlocks`` lines of text, `parse_timeout`
    ///   past `deadline`.
    public func parse(
        _ decoded: DecodedText, memo: WordMemo? = nil, deadline: ParseDeadline = .none
    ) throws(ArticleParseError) -> ParsedArticle {
        let memo = memo ?? WordMemo(slotBits: 10)
        var warnings = decoded.warnings
        var report = NormalizationReport()
        var log: WordLog? = WordLog()
        try deadline.check("after decoding")
        var normalizer = TextNormalizer(toneStyle: toneStyle)
        normalizer.deadline = deadline
        let normalized = normalizer.normalized(decoded.text, report: &report, memo: memo, log: &log)
        // Stopped part way: what was normalized is incomplete, whatever the deadline says now.
        if report.stoppedAtDeadline { throw deadline.timeout("placing tone marks") }
        try deadline.check("after normalizing")
        warnings += Self.warnings(from: report)

        var text = normalized ?? decoded.text
        if !report.sawTonedCapital, let restored = LostCapitals.restored(text, knownToHoldNone: true) {
            text = restored.text
            warnings.append("capitals_restored:\(restored.count)")
            log = nil  // its words were read before: the features are read from the text as it now is
        }
        guard let blocks = Self.blocks(of: text) else {
            throw ArticleParseError(
                .recordTooLarge,
                reason: "more than \(Self.maxBlocks) lines of text: no article has that many, and its record would be "
                    + "many times the size of the file")
        }

        var structure = Structure()
        try structure.classify(blocks.texts, startingAt: blocks.starts, outlets: outlets, deadline: deadline)
        warnings += structure.warnings

        let lead = structure.lead
        let paragraphs = structure.paragraphs
        var body: [String] = []
        body.reserveCapacity(paragraphs.count + 1)
        if let lead { body.append(lead) }
        body.append(contentsOf: paragraphs)
        let bodyText = body.joined(separator: "\n\n")
        try deadline.check("after finding the structure")
        let features =
            log.flatMap { TextFeatures(bodyText, words: $0, in: structure.bodyRanges) }
            ?? TextFeatures(bodyText, memo: memo)
        try deadline.check("after counting words")
        let quotes = QuoteExtractor.quotes(in: bodyText)
        let dates = DateExtractor.dates(in: bodyText)
        try deadline.check("after finding quotes and dates")
        return ParsedArticle(
            id: ContentID.id(title: structure.title, lead: lead, paragraphs: paragraphs),
            encoding: decoded.encoding,
            language: bodyText.isEmpty
                ? LanguageGuesser.language(of: structure.title ?? "")
                : LanguageGuesser.language(for: features.languageCounts),
            title: structure.title,
            outlet: structure.outlet,
            dateline: structure.dateline,
            lead: lead,
            paragraphs: paragraphs,
            captions: structure.captions,
            byline: structure.byline,
            // One pass over the text finds what a pass over each paragraph would: neither crosses a line end.
            quotes: quotes,
            dates: dates,
            simhash: features.simhash,
            warnings: warnings,
            text: bodyText,
            stats: ArticleStats(features: features, paragraphs: body.count)
        )
    }

    /// Each non-empty line of normalized text is one block, copied out of the text by byte offsets (found
    /// with `memchr`): substrings of a valid string need no validation. `starts` are the blocks' offsets in
    /// the text's UTF-8.
    /// `nil` past ``maxBlocks`` blocks.
    private static func blocks(of text: String) -> (texts: [String], starts: [Int])? {
        var blocks: [String] = []
        var starts: [Int] = []
        var bytesOfText = text
        bytesOfText.withUTF8 { bytes in
            // A guess at the number of lines (articles' paragraphs run to a few hundred bytes) that spares most
            // regrowing, bounded so that no input makes it large.
            let expected = min(bytes.count / 128 + 8, maxBlocks + 1)
            blocks.reserveCapacity(expected)
            starts.reserveCapacity(expected)
            var start = 0
            func endBlock(at end: Int) {
                if end > start {
                    blocks.append(text.copy(utf8Offsets: start..<end))
                    starts.append(start)
                }
                start = end + 1
            }
            bytes.forEachOffset(of: 0x0A) { lineFeed in
                endBlock(at: lineFeed)
                return blocks.count <= maxBlocks
            }
            if blocks.count <= maxBlocks { endBlock(at: bytes.count) }
        }
        return blocks.count <= maxBlocks ? (blocks, starts) : nil
    }

    private static func warnings(from report: NormalizationReport) -> [String] {
        var warnings: [String] = []
        if report.composedToNFC { warnings.append("unicode_composed_to_nfc") }
        if report.toneMarksRepaired > 0 { warnings.append("tone_marks_repaired:\(report.toneMarksRepaired)") }
        if report.doubleTonesRepaired > 0 { warnings.append("double_tone_repaired:\(report.doubleTonesRepaired)") }
        if report.onsetSpellingsRepaired > 0 {
            warnings.append("onset_spelling_repaired:\(report.onsetSpellingsRepaired)")
        }
        if report.dStrokesRepaired > 0 { warnings.append("d_stroke_repaired:\(report.dStrokesRepaired)") }
        if report.controlCharactersRemoved > 0 { warnings.append("stray_control_chars_removed") }
        if report.invisibleCharactersRemoved > 0 {
            warnings.append("invisible_chars_removed:\(report.invisibleCharactersRemoved)")
        }
        if report.combiningMarksDropped > 0 {
            warnings.append("combining_marks_dropped:\(report.combiningMarksDropped)")
        }
        return warnings
    }

    /// The blocks of an article sorted into their roles.
    private struct Structure {
        var title: String?
        var outlet: Outlet?
        var dateline: String?
        var lead: String?
        var paragraphs: [String] = []
        var captions: [Caption] = []
        var byline: String?
        var warnings: [String] = []
        /// Where the lead (without its prefix) and the paragraphs are in the normalized text's UTF-8, in order.
        var bodyRanges: [Range<Int>] = []

        /// Sorts `blocks`, which start at byte offsets `starts` of the normalized text.
        mutating func classify(
            _ blocks: [String], startingAt starts: [Int], outlets: OutletTable, deadline: ParseDeadline
        ) throws(ArticleParseError) {
            var end = blocks.count
            if end >= 2, let byline = BylineParser.parse(blocks[end - 1]) {
                self.byline = byline
                end -= 1
            }
            var index = 0
            if end >= 1, Self.isTitle(blocks[0], outlets: outlets, isOnlyBlock: end == 1) {
                title = blocks[0]
                index = 1
            } else {
                warnings.append("no_title")
            }
            var relatedRemoved = 0
            var uncredited = 0
            var duplicates = 0
            var repeats = DuplicateParagraphs(expected: end)
            paragraphs.reserveCapacity(end)
            bodyRanges.reserveCapacity(end)
            var repeatedLead = false
            while index < end {
                if index % 1024 == 1023 { try deadline.check("at line \(index + 1) of \(blocks.count)") }
                let block = blocks[index]
                defer { index += 1 }
                if let caption = CaptionParser.parse(block) {
                    captions.append(Caption(text: caption.text, credit: caption.credit, block: index))
                    continue
                }
                if ArticleParser.isRelatedLine(block) {
                    relatedRemoved += 1
                    continue
                }
                let blockEnd = starts[index] + block.utf8.count
                guard let currentLead = lead else {
                    if let prefix = LeadPrefix.split(block, outlets: outlets) {
                        outlet = prefix.outlet
                        dateline = prefix.dateline
                        lead = prefix.rest
                    } else {
                        lead = block
                    }
                    bodyRanges.append((blockEnd - lead!.utf8.count)..<blockEnd)
                    continue
                }
                if Self.isUnpunctuatedShortBlock(block), index + 1 < end || byline != nil {
                    // Between paragraphs: a photo caption that lost its credit, or a related headline.
                    captions.append(Caption(text: block, credit: nil, block: index))
                    uncredited += 1
                    continue
                }
                if block.hasSameUTF8(as: currentLead)
                    || (block.hasUTF8Suffix(currentLead)
                        && LeadPrefix.split(block, outlets: outlets)?.rest == currentLead)
                {
                    repeatedLead = true
                    continue
                }
                // By cheap keys and hashes (see DuplicateParagraphs): comparing each paragraph with every
                // earlier one was quadratic.
                if repeats.isRepeated(block, among: paragraphs) {
                    duplicates += 1
                    continue
                }
                paragraphs.append(block)
                bodyRanges.append(starts[index]..<blockEnd)
            }
            if lead == nil {
                warnings.append(title == nil ? "no_text" : "title_only")
            }
            if relatedRemoved > 0 { warnings.append("related_links_removed:\(relatedRemoved)") }
            if uncredited > 0 { warnings.append("caption_without_credit:\(uncredited)") }
            if repeatedLead { warnings.append("repeated_lead_removed") }
            if duplicates > 0 { warnings.append("duplicate_paragraph_removed:\(duplicates)") }
        }

        /// A headline: short, not a caption, not a lead with an outlet prefix, no sentence-final period.
        static func isTitle(_ block: String, outlets: OutletTable, isOnlyBlock: Bool) -> Bool {
            guard block.utf8.count <= ArticleParser.maximumTitleLength,
                CaptionParser.parse(block) == nil,
                LeadPrefix.split(block, outlets: outlets) == nil,
                let last = block.lastScalarValue
            else { return false }
            if last == 0x2E { return block.utf8.reversed().starts(with: "...".utf8) }
            return last != 0x3A && last != 0x3B && last != 0x2C  // : ; ,
        }

        /// A short block (few words) that does not end like a sentence.
        static func isUnpunctuatedShortBlock(_ block: String) -> Bool {
            guard let last = block.lastScalarValue, !Punctuation.endsSentence(last, orCloser: true) else {
                return false
            }
            var words = 1
            for byte in block.utf8 where byte == 0x20 {
                words += 1
                if words > ArticleParser.maximumCaptionWords { return false }
            }
            return true
        }
    }
}
