import Foundation

/// Unicode NFC, with a byte-level check that skips the costly general algorithm for text that is already NFC.
enum UnicodeNormalization {
    /// The longest run of non-starters (combining marks) kept, as Unicode's Stream-Safe Text Format
    /// (UAX #15) bounds it: no real text needs more, and canonical ordering sorts each run, in time that grows
    /// with the square of its length.
    static let maxNonStarters = 30

    /// NFC of `text` (Foundation's canonical composition; about 30 MB/s, so call it only where needed), with
    /// every run of non-starters cut to ``maxNonStarters`` first, so the time stays linear in the text.
    static func nfc(_ text: String) -> String {
        var dropped = 0
        return nfc(text, droppedMarks: &dropped)
    }

    /// ``nfc(_:)``, adding to `droppedMarks` the combining marks cut from runs longer than ``maxNonStarters``.
    static func nfc(_ text: String, droppedMarks: inout Int) -> String {
        streamSafe(text, droppedMarks: &droppedMarks).precomposedStringWithCanonicalMapping
    }

    /// `text` with the non-starters past the first ``maxNonStarters`` of each run dropped (UAX #15 inserts
    /// U+034F there instead; a record has no use for hundreds of stacked marks). Returns `text` itself when no
    /// run is that long.
    static func streamSafe(_ text: String, droppedMarks: inout Int) -> String {
        let scalars = text.unicodeScalars
        // Made only once a run turns out too long, from the scalars before it.
        var kept: String.UnicodeScalarView?
        var run = 0
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            // Every scalar below U+0300 is a starter: no property lookup for those.
            let isStarter = scalar.value < 0x300 || scalar.properties.canonicalCombiningClass.rawValue == 0
            run = isStarter ? 0 : run + 1
            if run > maxNonStarters {
                if kept == nil {
                    var prefix = String.UnicodeScalarView()
                    prefix.append(contentsOf: scalars[..<index])
                    kept = prefix
                }
                droppedMarks += 1
            } else {
                kept?.append(scalar)
            }
            index = scalars.index(after: index)
        }
        return kept.map(String.init) ?? text
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
