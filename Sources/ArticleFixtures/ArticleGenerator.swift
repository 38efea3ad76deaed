import NewsFormat

/// A generated article: what a correct parser must find (the truth fields) and how it is laid out in bytes.
public struct GeneratedArticle: Sendable {
    /// How blocks are separated.
    public enum Layout: CaseIterable, Sendable {
        /// One blank line between blocks, as in the seeds.
        case blankLine
        /// One block per line, no blank lines.
        case oneBlockPerLine
        /// Several blank lines, some holding only spaces.
        case ragged
    }

    /// Where a caption stands: before the lead (`0`), or after the lead or paragraph `n` (`n + 1`).
    public struct PlacedCaption: Sendable {
        public var line: String
        public var text: String
        public var credit: String?
        public var position: Int
    }

    public var title: String?
    public var outletCode: String?
    public var prefix: String?
    public var dateline: String?
    public var lead: String
    public var paragraphs: [String]
    public var captions: [PlacedCaption]
    public var byline: String?
    public var layout: Layout
    public var crlf: Bool
    public var finalNewline: Bool
    public var encoding: TextEncoding
    /// Noise added to the text before encoding; normalization must remove it all.
    public var noise: Set<Noise>

    /// Defects of real input that normalization repairs.
    public enum Noise: CaseIterable, Sendable, Hashable {
        case nfd, nbsp, zeroWidth, softHyphen, ethForD, typos, doubleSpaces
    }

    /// The blocks in order, as the parser should number them.
    public var blocks: [String] {
        var blocks: [String] = []
        if let title { blocks.append(title) }
        for caption in captions where caption.position == 0 { blocks.append(caption.line) }
        blocks.append((prefix ?? "") + lead)
        for (index, paragraph) in paragraphs.enumerated() {
            for caption in captions where caption.position == index + 1 { blocks.append(caption.line) }
            blocks.append(paragraph)
        }
        for caption in captions where caption.position == paragraphs.count + 1 { blocks.append(caption.line) }
        if let byline { blocks.append(byline) }
        return blocks
    }

    /// Block index of each caption, in order.
    public var captionBlocks: [Int] {
        let blocks = self.blocks
        var indexes: [Int] = []
        var searchFrom = 0
        for caption in captions.sorted(by: { $0.position < $1.position }) {
            let index = blocks[searchFrom...].firstIndex(of: caption.line)!
            indexes.append(index)
            searchFrom = index + 1
        }
        return indexes
    }

    /// Captions in block order.
    public var orderedCaptions: [PlacedCaption] { captions.sorted { $0.position < $1.position } }

    /// The article as text, before noise and encoding.
    public var cleanText: String {
        let separator: String
        switch layout {
        case .blankLine: separator = "\n\n"
        case .oneBlockPerLine: separator = "\n"
        case .ragged: separator = "\n  \n\n"
        }
        return blocks.joined(separator: separator) + (finalNewline ? "\n" : "")
    }

    /// The bytes of the article file.
    public func bytes(seed: UInt64 = 1) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var text = NoiseInjector.apply(noise, to: cleanText, random: &random, encoding: encoding)
        if crlf { text = text.replacingOccurrences("\n", with: "\r\n") }
        return LegacyEncoder.encode(text, as: encoding)
    }
}

/// Makes varied articles: every outlet prefix and dash, captions before, between and after paragraphs,
/// bylines, no title, every encoding and layout, with and without noise.
public struct ArticleGenerator: Sendable {
    private var random: SplitMix64

    /// Creates a generator; the same seed gives the same articles.
    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    private mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    private mutating func count(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    /// The next article.
    /// - Parameter extraParagraphs: how many body paragraphs after the lead, at most (drawn uniformly).
    public mutating func next(extraParagraphs: ClosedRange<Int> = 0...6) -> GeneratedArticle {
        let encoding = pick(TextEncoding.allCases)
        let legacy = [.windows1258, .tcvn3, .vni].contains(encoding)
        // Distinct blocks: a repeated paragraph is scraping debris the parser removes, tested on its own.
        var distinct: [String] = []
        let wanted = 1 + count(extraParagraphs)
        while distinct.count < wanted {
            let candidate = paragraph(asciiPunctuation: encoding != .windows1258 && legacy)
            if !distinct.contains(candidate) { distinct.append(candidate) }
        }
        let lead = distinct.removeFirst()
        let paragraphs = distinct
        var prefix: String?
        var outletCode: String?
        var dateline: String?
        if chance(70) {
            let outlet = pick(OutletTable.standard.outlets)
            let spelling = pick(outlet.prefixes)
            let dash = legacy && encoding != .windows1258 ? "-" : pick(["-", "–", "—"])
            let space = pick([" ", "\u{A0}"])
            outletCode = outlet.code
            if spelling.hasPrefix("("), chance(30) {
                dateline = pick(["Hà Nội", "TP.HCM", "Đà Nẵng", "Washington"])
                prefix = dateline! + " " + spelling + space + dash + " "
            } else {
                prefix = spelling + space + dash + " "
            }
        }
        var captions: [GeneratedArticle.PlacedCaption] = []
        for _ in 0..<count(0...2) {
            captions.append(caption(position: count(0...(paragraphs.count + (paragraphs.isEmpty ? 0 : 1)))))
        }
        var noise = Set<GeneratedArticle.Noise>()
        for kind in GeneratedArticle.Noise.allCases where chance(25) { noise.insert(kind) }
        if legacy {
            // 8-bit tables have no zero-width characters, soft hyphens, Ð or combining-mark sequences to spare.
            noise.subtract([.zeroWidth, .softHyphen, .ethForD, .nfd])
        }
        return GeneratedArticle(
            title: chance(75) ? pick(SentencePool.headlines) : nil,
            outletCode: outletCode,
            prefix: prefix,
            dateline: dateline,
            lead: lead,
            paragraphs: paragraphs,
            captions: captions,
            byline: chance(40) ? pick(SentencePool.bylines) : nil,
            layout: pick(GeneratedArticle.Layout.allCases),
            crlf: chance(20),
            finalNewline: chance(50),
            encoding: encoding,
            noise: noise
        )
    }

    private mutating func paragraph(asciiPunctuation: Bool) -> String {
        var sentences: [String] = []
        for _ in 0..<count(1...3) { sentences.append(pick(SentencePool.sentences)) }
        if chance(20) {
            let quote = pick(SentencePool.sentences).trimmingTrailingPeriod
            sentences.append(asciiPunctuation ? "Ông nói: \"\(quote)\"." : "Ông nói: “\(quote)”.")
        }
        return sentences.joined(separator: " ")
    }

    private mutating func caption(position: Int) -> GeneratedArticle.PlacedCaption {
        let phrase = pick(SentencePool.captionPhrases)
        let credit = pick(SentencePool.credits)
        switch count(0...4) {
        case 0:
            return .init(line: "\(phrase). (Ảnh: \(credit))", text: "\(phrase).", credit: credit, position: position)
        case 4:
            // Inside the sentence: in TCVN3 it keeps its lower-case `ảnh`.
            return .init(line: "\(phrase) (Ảnh: \(credit))", text: phrase, credit: credit, position: position)
        case 1: return .init(line: "\(phrase). Ảnh: \(credit).", text: "\(phrase).", credit: credit, position: position)
        case 2: return .init(line: "\(phrase) (Ảnh minh họa)", text: phrase, credit: nil, position: position)
        default:
            let photographer = pick(SentencePool.photographers)
            return .init(line: "\(phrase) - \(photographer)", text: phrase, credit: photographer, position: position)
        }
    }
}

extension String {
    var trimmingTrailingPeriod: String { hasSuffix(".") ? String(dropLast()) : self }

    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension ArticleGenerator {
    /// The next article as the seeds are: clean UTF-8 NFC, blank lines between blocks, no noise. The bulk of
    /// real input looks like this, so benchmarks measure it.
    public mutating func nextSeedLike() -> GeneratedArticle {
        // The seeds have eight to twelve body paragraphs and are about 3 KB.
        var article = next(extraParagraphs: 8...12)
        article.encoding = .utf8
        article.noise = []
        article.layout = .blankLine
        article.crlf = false
        return article
    }
}

extension ArticleGenerator {
    /// `count` distinct seed-like articles, as file bytes, from a generator seeded with `seed`.
    public static func seedLikeArticles(_ count: Int, seed: UInt64 = 7) -> [[UInt8]] {
        var generator = ArticleGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextSeedLike().bytes() }
    }
}
