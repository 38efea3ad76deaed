/// What canonicalizing one word did.
enum ToneMarkOutcome: Equatable, Sendable {
    /// The word is not a Vietnamese syllable, or is already spelled canonically.
    case unchanged
    /// A spelling that another style allows was moved to the chosen style (`hoà` → `hòa`).
    case restyled([UInt32])
    /// A spelling that no style allows was repaired (`hòan` → `hoàn`, `Ðà` → `Đà`).
    case repaired([UInt32])
    /// A tone mark typed twice was made one (`dàì` → `dài`, `vớí` → `với`), and the word repaired as above.
    case doubleToneRepaired([UInt32])
}

/// Places tone marks consistently in Vietnamese syllables.
enum ToneMarks {
    /// Canonicalizes one word (a run of letters, at most a handful of scalars).
    ///
    /// A word with two tone marks (a tone key pressed twice with Telex or VNI) is repaired when it is a
    /// syllable without them: the same mark twice becomes one, two different marks keep the later in the word
    /// (the last mark typed wins in those input methods); the mark then goes where `style` puts it. Three or
    /// more marks, or a word that is no syllable without them, are left alone.
    ///
    /// - Parameters:
    ///   - scalars: the word's Unicode scalars, NFC.
    ///   - style: where the tone goes in `oa`, `oe`, `uy`.
    /// - Returns: the rewritten word, or `.unchanged` for a word that is not a Vietnamese syllable.
    static func canonicalize(_ scalars: [UInt32], style: ToneStyle) -> ToneMarkOutcome {
        var letters: [SyllableLetter] = []
        letters.reserveCapacity(scalars.count)
        var tonePositions: [Int] = []
        var hasEth = false
        for scalar in scalars {
            guard let letter = SyllableLetter(scalar: scalar) else { return .unchanged }
            if let vowel = letter.vowel, vowel.tone != .level {
                guard tonePositions.count < 2 else { return .unchanged }  // three tones: not a typo of one
                tonePositions.append(letters.count)
            }
            hasEth = hasEth || letter.isEth
            letters.append(letter)
        }
        let isDouble = tonePositions.count == 2
        if isDouble {
            // Parsed without its marks: the syllable must stand on its own.
            for position in tonePositions { letters[position].vowel!.tone = .level }
        }
        guard var syllable = VietnameseSyllable(letters: letters) else { return .unchanged }
        var isRepair = hasEth || syllable.letters != letters
        if isDouble {
            let (first, second) = (tonePositions[0], tonePositions[1])
            let firstTone = SyllableLetter(scalar: scalars[first])!.vowel!.tone
            let secondTone = SyllableLetter(scalar: scalars[second])!.vowel!.tone
            // Kept where a style allows it, the later first; the target decides for the other styles.
            let allowed = [second, first].first { position in
                position == syllable.toneTarget(style: .press, current: nil)
                    || position == syllable.toneTarget(style: .modern, current: nil)
            }
            let target = syllable.toneTarget(style: style, current: allowed)
            syllable.letters[target].vowel!.tone = firstTone == secondTone ? firstTone : secondTone
            return .doubleToneRepaired(syllable.letters.map(\.outputScalar))
        }
        if let tonePosition = tonePositions.first {
            let tone = syllable.letters[tonePosition].vowel!.tone
            let target = syllable.toneTarget(style: style, current: tonePosition)
            if target != tonePosition {
                let allowedSomewhere =
                    tonePosition == syllable.toneTarget(style: .press, current: nil)
                    || tonePosition == syllable.toneTarget(style: .modern, current: nil)
                isRepair = isRepair || !allowedSomewhere
                syllable.letters[tonePosition].vowel!.tone = .level
                syllable.letters[target].vowel!.tone = tone
            }
        }
        if syllable.letters.indices.allSatisfy({ syllable.letters[$0].outputScalar == scalars[$0] }) {
            return .unchanged
        }
        let output = syllable.letters.map(\.outputScalar)
        return isRepair ? .repaired(output) : .restyled(output)
    }

    /// True when the word is a Vietnamese syllable (used to score candidate decodings).
    static func isSyllable(_ scalars: [UInt32]) -> Bool {
        var letters: [SyllableLetter] = []
        letters.reserveCapacity(scalars.count)
        var tones = 0
        for scalar in scalars {
            guard let letter = SyllableLetter(scalar: scalar) else { return false }
            if let vowel = letter.vowel, vowel.tone != .level { tones += 1 }
            letters.append(letter)
        }
        return tones <= 1 && VietnameseSyllable(letters: letters) != nil
    }
}
