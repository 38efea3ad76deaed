/// Lost capitals inside sentences: names. TCVN3 text writes `với ấn Độ`, `của ủy ban Nhân dân`; a sentence
/// that starts with the same name (`Ấn Độ và…`, `Ủy ban Nhân dân…`), restored by the pass over sentence starts,
/// says how the article writes it.
extension LostCapitals {
    /// One space-separated token of a line: where its word starts and ends in the text's bytes (quotes,
    /// brackets and punctuation around it left out), and what ends it.
    private struct Token {
        var word: Range<Int>
        /// The first scalar of the word.
        var first: UInt32
        /// Punctuation follows the word inside its token (`Độ,`): a name does not run on past it.
        var isClosed: Bool
        /// The word starts a line or a sentence (as the pass over sentence starts found).
        var startsSentence: Bool
    }

    /// The capitals of toned words that the article writes capitalized at a sentence start, made where the
    /// same word is followed by the same next word inside a name (a capital within the next two words);
    /// `count` is added to. `bytes` hold valid UTF-8 with no toned capital except at sentence starts, whose
    /// first words begin at the offsets `sentenceStarts`.
    static func restoreNames(in bytes: inout [UInt8], sentenceStarts: Set<Int>, count: inout Int) {
        let tokens = bytes.withUnsafeBufferPointer { Self.tokens(of: $0, sentenceStarts: sentenceStarts) }
        func key(_ index: Int) -> [UInt8]? {
            guard index + 1 < tokens.count, !tokens[index].isClosed, !tokens[index + 1].startsSentence else {
                return nil
            }
            let (word, next) = (tokens[index].word, tokens[index + 1].word)
            return lowercased(bytes[word]) + [0x20] + lowercased(bytes[next])
        }
        func isInsideName(_ index: Int) -> Bool {
            (1...2).contains { offset in
                index + offset < tokens.count && isCapital(tokens[index + offset].first)
                    && !tokens[index + offset].startsSentence
            }
        }
        var names = Set<[UInt8]>()
        for index in tokens.indices where tokens[index].startsSentence {
            guard let vowel = VietnameseLetters.vowel(tokens[index].first), vowel.isUppercase, vowel.tone != .level,
                isInsideName(index), let key = key(index)
            else { continue }
            names.insert(key)
        }
        guard !names.isEmpty else { return }
        for index in tokens.indices where !tokens[index].startsSentence {
            guard let vowel = VietnameseLetters.vowel(tokens[index].first), !vowel.isUppercase, vowel.tone != .level,
                isInsideName(index), let key = key(index), names.contains(key)
            else { continue }
            capitalize(vowel, at: tokens[index].word.lowerBound, in: &bytes)
            count += 1
        }
    }

    private static func tokens(of bytes: UnsafeBufferPointer<UInt8>, sentenceStarts: Set<Int>) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A || bytes[index] == 0x20 {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, bytes[end] != 0x20, bytes[end] != 0x0A { end += 1 }
            // The word: from the first letter to the last, scalar by scalar.
            var wordStart: Int?
            var wordEnd = index
            var position = index
            var first: UInt32 = 0
            while position < end {
                let (scalar, length) = UTF8Scalar.decodeValid(bytes, at: position)
                if isLetter(scalar) {
                    if wordStart == nil { (wordStart, first) = (position, scalar) }
                    wordEnd = position + length
                }
                position += length
            }
            if let wordStart {
                tokens.append(
                    Token(
                        word: wordStart..<wordEnd, first: first, isClosed: wordEnd < end,
                        startsSentence: sentenceStarts.contains(wordStart)))
            }
            index = end
        }
        return tokens
    }

    private static func isCapital(_ scalar: UInt32) -> Bool {
        (0x41...0x5A).contains(scalar) || scalar == VietnameseLetters.uppercaseD
            || VietnameseLetters.vowel(scalar)?.isUppercase == true
    }

    /// The bytes of a word with its letters in lower case.
    private static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var lower: [UInt8] = []
        var scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            TextNormalizer.appendUTF8(VietnameseLetters.lowercased(scalar.value), to: &lower)
        }
        return lower
    }
}
