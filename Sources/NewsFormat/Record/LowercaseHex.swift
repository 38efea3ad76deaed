import Foundation

/// Lowercase hexadecimal text of bytes and of 64-bit values: content ids, fingerprints, keys.
public enum LowercaseHex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Two digits per byte, in order: written straight into a string of the exact size (a digest, as a
    /// sequence, does not say its length, and a hex array built from it was regrown).
    public static func text(of bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { hex in
                for (index, byte) in bytes.enumerated() {
                    hex[2 * index] = digits[Int(byte >> 4)]
                    hex[2 * index + 1] = digits[Int(byte & 0x0F)]
                }
                return bytes.count * 2
            }
        }
    }

    /// Sixteen digits, leading zeros kept.
    public static func text(of value: UInt64) -> String {
        text(of: (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }
}
