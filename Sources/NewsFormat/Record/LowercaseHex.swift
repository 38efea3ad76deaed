/// Lowercase hexadecimal text of bytes and of 64-bit values: content ids, fingerprints, keys.
public enum LowercaseHex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Two digits per byte, in order.
    public static func text(of bytes: some Sequence<UInt8>) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Sixteen digits, leading zeros kept.
    public static func text(of value: UInt64) -> String {
        text(of: (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }
}
