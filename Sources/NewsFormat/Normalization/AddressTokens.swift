/// Whether words lie in a URL or an e-mail address, which are never rewritten: the whole space-separated
/// token holding the word is looked at.
///
/// Tokens end at spaces, line feeds and NBSPs: the fast path looks at text whose NBSPs it is turning into
/// spaces, and must see the tokens the cleaned text will have, or normalizing would not be idempotent.
///
/// The last token looked at is remembered, and words are asked about in text order, so each token is read
/// once however many words it holds: without that, a token of 80 000 words glued by commas
/// (`hoà,hoà,…`, 400 KB) was read whole for each of its words, 42 s instead of a few milliseconds.
struct AddressTokens {
    /// The byte range of the last token looked at, and whether it is an address.
    private var last: (token: Range<Int>, isAddress: Bool)?

    /// True when the word in `range` of `input` is part of a URL or an e-mail address.
    mutating func contains(_ range: Range<Int>, of input: UnsafeBufferPointer<UInt8>) -> Bool {
        if let last, last.token.lowerBound <= range.lowerBound, range.upperBound <= last.token.upperBound {
            return last.isAddress
        }
        var tokenStart = range.lowerBound
        while !TextNormalizer.isSpaceOrLineEnd(at: tokenStart - 1, in: input) { tokenStart -= 1 }
        var tokenEnd = range.upperBound
        while !TextNormalizer.isSpaceOrLineEnd(at: tokenEnd, in: input) { tokenEnd += 1 }
        let isAddress = Self.isAddress(input, from: tokenStart, to: tokenEnd)
        last = (tokenStart..<tokenEnd, isAddress)
        return isAddress
    }

    /// URLs (`scheme://`, `www.`) and e-mail addresses.
    private static func isAddress(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        let token = bytes[start..<end]
        if token.contains(UInt8(ascii: "@")) { return true }
        if token.starts(with: "www.".utf8) { return true }
        var index = start
        while index + 2 < end {
            if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
                bytes[index + 2] == UInt8(ascii: "/")
            {
                return true
            }
            index += 1
        }
        return false
    }
}
