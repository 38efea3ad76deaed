/// What one pass over an article's text finds: its SimHash, the word counts behind its language, and its
/// statistics.
///
/// In Vietnamese text ASCII and multi-byte letters alternate unpredictably, so branching on each scalar's
/// length costs more than the work itself. The three measures used to be three passes; now one pass decodes
/// each scalar without branching on its length, classifies it with one table load, and branches only where a
/// word ends.
struct TextFeatures: Equatable {
    /// The fingerprint (see ``SimHash``).
    var simhash: SimHash
    /// Word counts for ``LanguageGuesser``.
    var languageCounts: LanguageGuesser.WordCounts
    /// Unicode scalars.
    var characters: Int
    /// Runs of characters separated by spaces and line ends.
    var spaceSeparatedWords: Int

    /// Measures `text` (normalized), scalar by scalar.
    init(_ text: String) {
        var text = text
        self = text.withUTF8 { Self.measure($0) }
    }

    /// Measures `text` (normalized) word by word, with the facts of words from `memo`: the same result as
    /// ``init(_:)``, faster on running text.
    init(_ text: String, memo: WordMemo) {
        var text = text
        self = text.withUTF8 { Self.measure($0, memo: memo) ?? Self.measure($0) }
    }

    private init(
        simhash: SimHash,
        languageCounts: LanguageGuesser.WordCounts,
        characters: Int,
        spaceSeparatedWords: Int
    ) {
        self.simhash = simhash
        self.languageCounts = languageCounts
        self.characters = characters
        self.spaceSeparatedWords = spaceSeparatedWords
    }

    /// The state of the pass. A struct with mutating methods, not local variables captured by a nested
    /// function: captured variables are boxed and every access to them is checked for exclusivity at run time.
    private struct Accumulator {
        var sums = SimHash.BitSums()
        var previousHash: UInt64?
        var counts = LanguageGuesser.WordCounts()
        // The word being read.
        var hash: UInt64 = SimHash.offsetBasis
        var scalars = 0
        /// Classes of its scalars or-ed together (``ScalarClasses``).
        var classes: UInt16 = 0
        /// Its first four ASCII bytes, lowercased and packed little-endian, for English stop words.
        var packedASCII: UInt32 = 0

        @inline(__always)
        mutating func add(_ lowercased: UInt32, kind: UInt16) {
            hash = (hash ^ UInt64(lowercased)) &* SimHash.prime
            packedASCII |= (lowercased & 0xFF) << (8 &* UInt32(truncatingIfNeeded: scalars))
            scalars += 1
            classes |= kind
        }

        /// Ends a word whose facts are known.
        @inline(__always)
        mutating func addWord(_ facts: WordFacts) {
            hash = facts.hash
            scalars = Int(facts.scalars)
            classes = facts.classes
            packedASCII = facts.packedASCII
            endWord()
        }

        mutating func endWord() {
            sums.add(SimHash.finalize(hash), weightShift: 0)
            if let previousHash { sums.add(SimHash.finalize(SimHash.combine(previousHash, hash)), weightShift: 1) }
            previousHash = hash
            if classes & ScalarClasses.letter != 0 {
                counts.words += 1
                if classes & ScalarClasses.vietnamese != 0 { counts.vietnamese += 1 }
                if classes & ScalarClasses.foreign != 0 { counts.foreign += 1 }
                if classes & ScalarClasses.nonASCII == 0, scalars <= 4, LanguageGuesser.isEnglishStopWord(packedASCII) {
                    counts.englishStopWords += 1
                }
            }
            hash = SimHash.offsetBasis
            scalars = 0
            classes = 0
            packedASCII = 0
        }
    }

    /// The word-by-word pass; `nil` when a span needs the exact pass (see ``WordSpans``).
    private static func measure(_ bytes: UnsafeBufferPointer<UInt8>, memo: WordMemo) -> TextFeatures? {
        var accumulator = Accumulator()
        var spans = WordSpans(bytes)
        while let piece = spans.next() {
            guard case .word(let range) = piece else { continue }
            let facts = memo.facts(of: range, in: bytes)
            if facts.containsSeparator { return nil }
            accumulator.addWord(facts)
        }
        // Scalars are the bytes that are not continuation bytes; words separated by spaces start where a
        // space or line feed is followed by something else. Without branches, so the loop vectorizes.
        var characters = 0
        var spaceSeparatedWords = 0
        var previousIsSpace = 1
        for byte in bytes {
            characters &+= byte & 0xC0 == 0x80 ? 0 : 1
            let isSpace = (byte == 0x20 ? 1 : 0) | (byte == 0x0A ? 1 : 0)
            spaceSeparatedWords &+= previousIsSpace & (1 &- isSpace)
            previousIsSpace = isSpace
        }
        return TextFeatures(
            simhash: SimHash(value: accumulator.sums.fingerprint),
            languageCounts: accumulator.counts,
            characters: characters,
            spaceSeparatedWords: spaceSeparatedWords
        )
    }

    /// The scalar-by-scalar pass.
    private static func measure(_ bytes: UnsafeBufferPointer<UInt8>) -> TextFeatures {
        let classes = ScalarClasses.table
        let lowercase = ScalarClasses.lowercase
        var accumulator = Accumulator()
        var characters = 0
        var spaceSeparatedWords = 0
        var previousIsSpace = 1
        let count = bytes.count
        var index = 0
        while index < count {
            let (scalar, length) =
                index + 2 < count
                ? UTF8Scalar.decodeWithoutBranching(bytes, at: index) : UTF8Scalar.decodeValid(bytes, at: index)
            index += length
            characters += 1
            let isSpace = (scalar == 0x20 ? 1 : 0) | (scalar == 0x0A ? 1 : 0)
            spaceSeparatedWords &+= previousIsSpace & (1 &- isSpace)
            previousIsSpace = isSpace
            let kind = scalar < ScalarClasses.tableCount ? classes[Int(scalar)] : ScalarClasses.classify(scalar)
            if kind & ScalarClasses.separator != 0 {
                if accumulator.scalars > 0 { accumulator.endWord() }
                continue
            }
            accumulator.add(scalar < ScalarClasses.tableCount ? UInt32(lowercase[Int(scalar)]) : scalar, kind: kind)
        }
        if accumulator.scalars > 0 { accumulator.endWord() }
        return TextFeatures(
            simhash: SimHash(value: accumulator.sums.fingerprint),
            languageCounts: accumulator.counts,
            characters: characters,
            spaceSeparatedWords: spaceSeparatedWords
        )
    }
}
