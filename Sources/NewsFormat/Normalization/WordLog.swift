/// The words of a normalized text, in order, with what ``TextFeatures`` needs of each: recorded by the
/// normalizer's word pass, so that measuring the article's text does not find and look up its words again.
///
/// A class over one raw buffer, used by one parse on one thread: appending a word is a capacity check and a
/// store (an array in an optional struct was checked for uniqueness on every word).
final class WordLog {
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

    private var storage: UnsafeMutablePointer<Word>?
    private var capacity = 0
    /// How many words are recorded.
    private(set) var count = 0
    /// False when the pass that recorded the words was left for the exact one, or the text is too long for
    /// 32-bit offsets: the words must then be found again.
    private(set) var isComplete = false

    init() {}

    deinit { storage?.deallocate() }

    /// The words, by increasing ``Word/start``; valid while the log lives and is not appended to.
    var words: UnsafeBufferPointer<Word> { UnsafeBufferPointer(start: storage, count: count) }

    /// Starts recording the words of a text of about `byteCount` bytes.
    func begin(expectedBytes byteCount: Int) {
        count = 0
        isComplete = byteCount < Int(Int32.max)
        // Words are at least two bytes apart (a letter and a separator): a quarter of the bytes is a guess
        // that rarely grows.
        reserve(byteCount / 4 + 16)
    }

    /// Records the word starting at `start` in the normalized text.
    @inline(__always)
    func append(start: Int, facts: WordFacts) {
        if count == capacity { reserve(capacity * 2) }
        (storage! + count).initialize(to: Word(start: start, facts: facts))
        count += 1
    }

    /// Marks the record as unusable.
    func abandon() {
        isComplete = false
        count = 0
    }

    private func reserve(_ wanted: Int) {
        guard wanted > capacity else { return }
        let grown = UnsafeMutablePointer<Word>.allocate(capacity: wanted)
        if let storage {
            grown.moveInitialize(from: storage, count: count)
            storage.deallocate()
        }
        storage = grown
        capacity = wanted
    }
}
