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

    /// Measures `text`, the `ranges` of a normalized text joined by blank lines, from the words `log` recorded
    /// while normalizing that text: the same result as ``init(_:)``, without finding and looking up the words
    /// again. `nil` when the log is incomplete or the ranges are not in order.
    init?(_ text: String, words log: WordLog, in ranges: [Range<Int>]) {
        guard log.isComplete else { return nil }
        var accumulator = Accumulator()
        let inOrder = withExtendedLifetime(log) { () -> Bool in
            let words = log.words
            var index = 0
            var previousEnd = 0
            for range in ranges {
                guard range.lowerBound >= previousEnd else { return false }
                previousEnd = range.upperBound
                while index < words.count, Int(words[index].start) < range.lowerBound { index += 1 }
                let first = index
                while index < words.count, Int(words[index].start) < range.upperBound { index += 1 }
                accumulator.addWords(UnsafeBufferPointer(rebasing: words[first..<index]))
            }
            return true
        }
        guard inOrder else { return nil }
        var text = text
        let counts = text.withUTF8 { Self.countScalarsAndWords($0) }
        self.init(
            simhash: SimHash(value: accumulator.sums.fingerprint),
            languageCounts: accumulator.counts,
            characters: counts.characters,
            spaceSeparatedWords: counts.spaceSeparatedWords
        )
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
            addWord(hash: facts.hash, language: facts.language)
        }

        /// Adds the words a ``WordLog`` recorded, in order: as ``addWord(hash:language:)`` one by one would,
        /// with the bit counters of the run kept in registers (`sums` is a struct in memory, stored on every
        /// word otherwise), taken from and left in `sums` between runs, and flushed before they can overflow.
        mutating func addWords(_ words: UnsafeBufferPointer<WordLog.Word>) {
            var lanes = sums.lanes
            var sinceFlush = sums.sinceFlush
            var added: Int32 = 0
            var previous = previousHash
            for word in words {
                let hash = word.hash
                let weight: Int32
                if let previous {
                    lanes &+=
                        SimHash.BitSums.spread(SimHash.finalize(hash))
                        &+ (SimHash.BitSums.spread(SimHash.finalize(SimHash.combine(previous, hash))) &<< 1)
                    weight = 3
                } else {
                    lanes &+= SimHash.BitSums.spread(SimHash.finalize(hash))
                    weight = 1
                }
                previous = hash
                counts.add(word.language)
                // Each byte counter grew by at most the weight added: flushed before it can pass 255.
                sinceFlush &+= weight
                added &+= weight
                if sinceFlush > 252 {
                    sums.absorb(lanes)
                    lanes = SIMD8()
                    sinceFlush = 0
                }
            }
            sums.lanes = lanes
            sums.sinceFlush = sinceFlush
            sums.total &+= added
            previousHash = previous
        }

        /// Ends the word read scalar by scalar.
        mutating func endWord() {
            addWord(
                hash: hash,
                language: LanguageGuesser.WordCounts.contribution(
                    classes: classes, scalars: scalars, packedASCII: packedASCII))
            hash = SimHash.offsetBasis
            scalars = 0
            classes = 0
            packedASCII = 0
        }

        /// Adds a word's features: itself, and the pair it makes with the word before.
        @inline(__always)
        private mutating func addWord(hash: UInt64, language: UInt8) {
            if let previousHash {
                sums.add(SimHash.finalize(hash), pair: SimHash.finalize(SimHash.combine(previousHash, hash)))
            } else {
                sums.add(SimHash.finalize(hash))
            }
            previousHash = hash
            counts.add(language)
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
        let counts = countScalarsAndWords(bytes)
        return TextFeatures(
            simhash: SimHash(value: accumulator.sums.fingerprint),
            languageCounts: accumulator.counts,
            characters: counts.characters,
            spaceSeparatedWords: counts.spaceSeparatedWords
        )
    }

    /// Scalars are the bytes that are not continuation bytes; words separated by spaces start where a space
    /// or line feed is followed by something else. Sixteen bytes at a time (``SixteenBytes``), without branches.
    static func countScalarsAndWords(
        _ bytes: UnsafeBufferPointer<UInt8>
    ) -> (characters: Int, spaceSeparatedWords: Int) {
        typealias Lanes = SixteenBytes.Lanes
        let highBits = Lanes(repeating: EightBytes.highBits)
        var characters = 0
        var spaceSeparatedWords = 0
        // 0x80 when the byte before the current one is a space or line feed (the start counts as one).
        var previousIsSpace: UInt64 = 0x80
        var index = 0
        let count = bytes.count
        if let base = bytes.baseAddress {
            // Per-byte counters, added up every 255 steps before they can overflow: the baseline x86-64
            // target has no population count instruction.
            var continuations = Lanes()
            var wordStarts = Lanes()
            var steps = 0
            while index + 16 <= count {
                let lanes = SixteenBytes.load(base, at: index)
                // Continuation bytes are 10xxxxxx: bit 7 set, bit 6 (shifted into bit 7) clear.
                let continuation = lanes & ~(lanes &<< 1) & highBits
                let spaces = SixteenBytes.bytes(lanes, equalTo: 0x20) | SixteenBytes.bytes(lanes, equalTo: 0x0A)
                // Each byte's predecessor: the lane shifted up one byte, its first byte from the lane before.
                let afterSpace = (spaces &<< 8) | Lanes(previousIsSpace, spaces[0] &>> 56)
                continuations &+= continuation &>> 7
                wordStarts &+= (afterSpace & ~spaces & highBits) &>> 7
                previousIsSpace = spaces[1] &>> 56
                index += 16
                steps += 1
                if steps == 255 || index + 16 > count {
                    characters &+= steps &* 16 &- Self.sumOfBytes(continuations[0]) &- Self.sumOfBytes(continuations[1])
                    spaceSeparatedWords &+= Self.sumOfBytes(wordStarts[0]) &+ Self.sumOfBytes(wordStarts[1])
                    continuations = Lanes()
                    wordStarts = Lanes()
                    steps = 0
                }
            }
        }
        var previous = previousIsSpace != 0 ? 1 : 0
        while index < count {
            let byte = bytes[index]
            characters &+= byte & 0xC0 == 0x80 ? 0 : 1
            let isSpace = (byte == 0x20 ? 1 : 0) | (byte == 0x0A ? 1 : 0)
            spaceSeparatedWords &+= previous & (1 &- isSpace)
            previous = isSpace
            index += 1
        }
        return (characters, spaceSeparatedWords)
    }

    /// The sum of the eight bytes of `value`.
    @inline(__always)
    private static func sumOfBytes(_ value: UInt64) -> Int {
        let pairs = (value & 0x00FF_00FF_00FF_00FF) &+ ((value >> 8) & 0x00FF_00FF_00FF_00FF)
        return Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
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
