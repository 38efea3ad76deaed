import Foundation

/// Unicode NFC, with a byte-level check that skips the costly general algorithm for text that is already NFC.
enum UnicodeNormalization {
    /// NFC of `text` (Foundation's canonical composition; about 30 MB/s, so call it only where needed).
    static func nfc(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }

    /// True when a scalar cannot change under NFC whatever surrounds it: below U+0300 (no combining marks or
    /// singletons there), precomposed Latin (U+1E00…U+1EFF, all Vietnamese letters), and general punctuation.
    /// Anything else sends the text through ``nfc(_:)``.
    @inline(__always)
    static func isStableUnderNFC(_ scalar: UInt32) -> Bool {
        scalar < 0x300 || (0x1E00...0x1EFF).contains(scalar) || (0x2010...0x205E).contains(scalar)
            || (0x20A0...0x20C0).contains(scalar)
    }
}
