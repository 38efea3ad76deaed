/// The first pass of normalization, over valid UTF-8 bytes: line ends, spaces, invisible and control
/// characters.
extension TextNormalizer {
    /// One pass over valid UTF-8: line ends to LF, spaces to U+0020 collapsed and trimmed per line,
    /// invisible and control characters removed.
    static func clean(
        _ input: UnsafeBufferPointer<UInt8>,
        report: inout NormalizationReport
    ) -> (bytes: [UInt8], needsNFC: Bool) {
        var needsNFC = false
        var removedControls = 0
        var removedInvisibles = 0
        let count = input.count
        // Every replacement is no longer than what it replaces, so the output fits in the input's size.
        let output = [UInt8](unsafeUninitializedCapacity: count) { output, written in
            var length = 0
            var pendingSpace = false
            var lineHasContent = false
            var previousScalar: UInt32 = 0
            var index = 0
            @inline(__always) func append(_ byte: UInt8) {
                output[length] = byte
                length += 1
            }
            while index < count {
                let byte = input[index]
                if byte >= 0x21 && byte < 0x7F {
                    if pendingSpace {
                        append(0x20)
                        pendingSpace = false
                    }
                    append(byte)
                    lineHasContent = true
                    previousScalar = UInt32(byte)
                    index += 1
                    continue
                }
                let scalar: UInt32
                let scalarLength: Int
                if byte < 0x80 {
                    (scalar, scalarLength) = (UInt32(byte), 1)
                } else {
                    // A String's UTF-8 is always valid; the fallback only keeps the loop total.
                    (scalar, scalarLength) = UTF8Scalar.decode(input, at: index) ?? (UInt32(byte), 1)
                }
                switch scalar {
                case 0x0A, 0x85, 0x2028, 0x2029:
                    append(0x0A)
                    pendingSpace = false
                    lineHasContent = false
                case 0x0D:
                    if index + 1 < count, input[index + 1] == 0x0A { index += 1 }
                    append(0x0A)
                    pendingSpace = false
                    lineHasContent = false
                case 0x20, 0x09, 0x0B, 0x0C, 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
                    pendingSpace = lineHasContent
                    previousScalar = 0x20
                case 0x00...0x1F, 0x7F...0x9F:
                    removedControls += 1
                case 0xAD, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x180E:
                    removedInvisibles += 1
                case 0x200C...0x200D where !Self.usesJoiners(previousScalar):
                    // Joiners after Latin letters are debris; after emoji or in scripts that need them they are kept.
                    removedInvisibles += 1
                default:
                    if pendingSpace {
                        append(0x20)
                        pendingSpace = false
                    }
                    for offset in 0..<scalarLength { append(input[index + offset]) }
                    lineHasContent = true
                    if !UnicodeNormalization.isStableUnderNFC(scalar) { needsNFC = true }
                    previousScalar = scalar
                }
                index += scalarLength
            }
            written = length
        }
        report.controlCharactersRemoved += removedControls
        report.invisibleCharactersRemoved += removedInvisibles
        return (output, needsNFC)
    }

    /// True after a scalar of a script or symbol set that uses zero-width joiners (Hebrew to Mongolian,
    /// emoji and symbols from U+2600, East Asian scripts). The ranges are closed under NFC, so whether a
    /// joiner is kept does not change when the text is composed: normalizing stays idempotent.
    @inline(__always)
    static func usesJoiners(_ scalar: UInt32) -> Bool {
        (0x0590...0x1DFF).contains(scalar) || scalar >= 0x2600
    }
}
