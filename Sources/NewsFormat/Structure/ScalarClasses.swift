/// Classes of Unicode scalars for word features, one table load each: word separators, letters, the
/// letters only Vietnamese uses, and letters Vietnamese never uses.
enum ScalarClasses {
    /// Ends a word (``WordBoundaries/isSeparator(_:)``).
    static let separator: UInt16 = 1
    /// A letter (ASCII or not): words without one, such as numbers, are not counted for the language.
    static let letter: UInt16 = 2
    /// `ă đ ĩ ũ ơ ư` and the Latin Extended Additional letters `ạ ả ấ … ỹ`, in either case.
    static let vietnamese: UInt16 = 4
    /// A non-ASCII letter that Vietnamese does not use (not even the accented ones shared with French).
    static let foreign: UInt16 = 8
    /// Any scalar outside ASCII.
    static let nonASCII: UInt16 = 16

    /// Scalars below this are in ``table`` and ``lowercase``.
    static let tableCount: UInt32 = 0x1F00

    /// Classes of U+0000…U+1EFF.
    static let table: [UInt16] = (0..<tableCount).map { classify($0) }

    /// Lowercase of U+0000…U+1EFF, as ``VietnameseLetters/lowercased(_:)``.
    static let lowercase: [UInt16] = (0..<tableCount).map { UInt16(VietnameseLetters.lowercased($0)) }

    /// The classes of any scalar.
    static func classify(_ scalar: UInt32) -> UInt16 {
        if WordBoundaries.isSeparator(scalar) { return separator | (scalar >= 0x80 ? nonASCII : 0) }
        if scalar < 0x80 { return scalar >= 0x40 ? letter : 0 }  // letters; digits are neither
        switch scalar {
        case 0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x1EA0...0x1EF9:
            return letter | vietnamese | nonASCII
        // À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý and lowercase: shared with French, Portuguese…
        case 0xC0...0xC3, 0xC8...0xCA, 0xCC, 0xCD, 0xD2...0xD5, 0xD9, 0xDA, 0xDD,
            0xE0...0xE3, 0xE8...0xEA, 0xEC, 0xED, 0xF2...0xF5, 0xF9, 0xFA, 0xFD:
            return letter | nonASCII
        default:
            return letter | foreign | nonASCII
        }
    }
}
