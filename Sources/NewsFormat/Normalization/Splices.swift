/// Changes to a text, in order and not overlapping: byte ranges of the input and the bytes that replace each.
///
/// The replacements share one buffer: a text of millions of changed words (a 10 MiB file of words all in the
/// other tone style) held an array per word before, about a hundred bytes each, more than the text itself.
struct Splices {
    /// The ranges replaced, in order.
    private(set) var ranges: [Range<Int>] = []
    /// Where each replacement ends in ``replacementBytes``.
    private var replacementEnds: [Int] = []
    /// The replacements, one after the other.
    private var replacementBytes: [UInt8] = []

    /// True when there is no change.
    var isEmpty: Bool { ranges.isEmpty }

    /// Adds a change after the others: `replacement` for the bytes in `range`.
    mutating func append(_ range: Range<Int>, replacement: some Collection<UInt8>) {
        ranges.append(range)
        replacementBytes.append(contentsOf: replacement)
        replacementEnds.append(replacementBytes.count)
    }

    /// Calls `body` with each change in order: its range, and its replacement's bytes.
    func forEach(_ body: (Range<Int>, UnsafeBufferPointer<UInt8>) -> Void) {
        replacementBytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for (range, end) in zip(ranges, replacementEnds) {
                body(range, UnsafeBufferPointer(rebasing: bytes[start..<end]))
                start = end
            }
        }
    }
}
