/// The punctuation that tells how a block ends.
enum Punctuation {
    /// True for scalars that end a sentence or a clause: `. ! ? : ;` and closing double quotes `” "`; with
    /// `orCloser`, also the ellipsis `…`, `)` and `»`.
    @inline(__always)
    static func endsSentence(_ scalar: UInt32, orCloser: Bool = false) -> Bool {
        switch scalar {
        case 0x2E, 0x21, 0x3F, 0x3A, 0x3B, 0x22, 0x201D: return true
        case 0x2026, 0x29, 0xBB: return orCloser
        default: return false
        }
    }
}
