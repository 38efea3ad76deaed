/// What canonicalizing one word did.
enum ToneMarkOutcome: Equatable, Sendable {
    /// The word is not a Vietnamese syllable, or is already spelled canonically.
    case unchanged
    /// A spelling that another style allows was moved to the chosen style (`hoà` → `hòa`).
    case restyled([UInt32])
    /// A spelling that no style allows was repaired (`hòan` → `hoàn`, `Ðà` → `Đà`).
    case repaired([UInt32])
}

/// Places tone marks consistently in Vietnamese syllables.
enum ToneMarks {
    /// Canonicalizes one word (a run of letters, at most a handful of scalars).
    ///
    /// - Parameters:
    ///   - scalars: the word's Unicode scalars, NFC.
    ///   - style: where the tone goes in `oa`, `oe`, `uy`.
    /// - Returns: the rewritten word, or `.unchanged` for a word that is not a Vietnamese syllable.
    static func canonicalize(_ scalars: [UInt32], style: ToneStyle) -> ToneMarkOutcome {
        var letters: [SyllableLetter] = []
        letters.reserveCapacity(scalars.count)
        var tonePosition: Int?
        var hasEth = false
        for scalar in scalars {
            guard let letter = SyllableLetter(scalar: scalar) else { return .unchanged }
            if let vowel = letter.vowel, vowel.tone != .level {
                guard tonePosition == nil else { return .unchanged }  // two tones: not a syllable
                tonePosition = letters.count
            }
            hasEth = hasEth || letter.isEth
            letters.append(letter)
        }
        guard var syllable = VietnameseSyllable(letters: letters) else { return .unchanged }
        var isRepair = hasEth || syllable.letters != letters
        if let tonePosition {
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
