/// The words of a normalized text, in order, with what ``TextFeatures`` needs of each: recorded by the
/// normalizer's word pass, so that measuring the article's text does not find and look up its words again.
struct WordLog {
    /// One word of the normalized text.
    struct Word {
        /// See ``WordFacts/hash``.
        var hash: UInt64
        /// Where it starts in the normalized text's UTF-8.
        var start: Int32
        /// See ``WordFacts/language``.
        var language: UInt8

        init(start: Int, facts: WordFacts) {
            hash = facts.hash
            self.start = Int32(truncatingIfNeeded: start)
            language = facts.language
        }
    }

    /// The words, by increasing ``Word/start``.
    private(set) var words: [Word] = []
    /// False when the pass that recorded the words was left for the exact one, or the text is too long for
    /// 32-bit offsets: the words must then be found again.
    private(set) var isComplete = false

    /// Starts recording the words of a text of about `byteCount` bytes.
    mutating func begin(expectedBytes byteCount: Int) {
        words.removeAll(keepingCapacity: true)
        words.reserveCapacity(byteCount / 4)
        isComplete = byteCount < Int(Int32.max)
    }

    /// Records the word starting at `start` in the normalized text.
    @inline(__always)
    mutating func append(start: Int, facts: WordFacts) {
        words.append(Word(start: start, facts: facts))
    }

    /// Marks the record as unusable.
    mutating func abandon() {
        isComplete = false
        words.removeAll(keepingCapacity: true)
    }
}
