/// Tells the language of a text: `vi` when it reads as Vietnamese, else a best guess or `und`.
///
/// Counted in the one pass of ``TextFeatures``, no syllable parsing: running Vietnamese text has a letter
/// found in no other Latin-script language (`ă đ ĩ ũ ơ ư` or one from the Latin Extended Additional block,
/// `ạ ả ấ … ỹ`) in a good share of its words, and other scripts or accented letters rarely.
enum LanguageGuesser {
    /// Word counts of a text by the letters they hold.
    struct WordCounts: Equatable {
        var words = 0
        /// Words with a letter only Vietnamese uses.
        var vietnamese = 0
        /// Words with a non-ASCII scalar Vietnamese does not use.
        var foreign = 0
        /// ASCII words that are English function words.
        var englishStopWords = 0

        /// What a word with scalars of ``ScalarClasses`` `classes`, `scalars` of them, whose first four
        /// (lowercased) are `packedASCII`, counts for: bit 0 a word, bit 1 Vietnamese, bit 2 foreign, bit 3 an
        /// English stop word. Only words with a letter count.
        @inline(__always)
        static func contribution(classes: UInt16, scalars: Int, packedASCII: UInt32) -> UInt8 {
            guard classes & ScalarClasses.letter != 0 else { return 0 }
            var bits: UInt8 = 1
            if classes & ScalarClasses.vietnamese != 0 { bits |= 2 }
            if classes & ScalarClasses.foreign != 0 { bits |= 4 }
            if classes & ScalarClasses.nonASCII == 0, scalars <= 4, LanguageGuesser.isEnglishStopWord(packedASCII) {
                bits |= 8
            }
            return bits
        }

        /// Counts a word by its ``contribution(classes:scalars:packedASCII:)``, without branches.
        @inline(__always)
        mutating func add(_ contribution: UInt8) {
            let bits = Int(contribution)
            words &+= bits & 1
            vietnamese &+= (bits >> 1) & 1
            foreign &+= (bits >> 2) & 1
            englishStopWords &+= (bits >> 3) & 1
        }
    }

    /// An ISO 639-1 code (`vi`, `en`) or `und`.
    static func language(of text: String) -> String {
        language(for: TextFeatures(text).languageCounts)
    }

    /// The language that word counts of a text (from ``TextFeatures``) point to.
    static func language(for counts: WordCounts) -> String {
        guard counts.words > 0 else { return "und" }
        if counts.vietnamese >= 1, counts.vietnamese * 8 >= counts.words, counts.vietnamese >= 2 * counts.foreign {
            return "vi"
        }
        if counts.foreign * 10 < counts.words, counts.englishStopWords * 8 >= counts.words, counts.englishStopWords > 0
        {
            return "en"
        }
        return "und"
    }

    /// English function words (`the and of to in is that for it with was on as are by this`), as their
    /// lowercase letters packed little-endian into four bytes.
    @inline(__always)
    static func isEnglishStopWord(_ packed: UInt32) -> Bool {
        switch packed {
        case 0x65_6874, 0x64_6E61, 0x666F, 0x6F74, 0x6E69, 0x7369, 0x7461_6874, 0x72_6F66, 0x7469, 0x6874_6977,
            0x73_6177, 0x6E6F, 0x7361, 0x65_7261, 0x7962, 0x7369_6874:
            return true
        default:
            return false
        }
    }
}
