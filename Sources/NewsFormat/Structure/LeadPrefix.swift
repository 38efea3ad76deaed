/// An outlet prefix found at the start of a lead, and where the lead's own text starts.
struct LeadPrefix: Equatable, Sendable {
    var outlet: Outlet?
    var dateline: String?
    /// The lead without the prefix.
    var rest: String

    /// Splits `TPO - …`, `(Dân trí) - …` and `Hà Nội (TTXVN) - …` (dash `-`, `–` or `—`; NBSP already a space).
    ///
    /// A dateline is at most six words, each starting with an upper-case letter or digit, before an outlet
    /// spelling in parentheses.
    static func split(_ block: String, outlets: OutletTable) -> LeadPrefix? {
        // Only the first bytes can hold a prefix: a dateline of at most 60 bytes, an outlet's spelling, a dash.
        let bytes = block.withUTF8Bytes { Array($0.prefix(512)) }
        if let found = outlets.outlet(atStartOf: bytes[...]), let rest = afterDash(block, bytes, from: found.length) {
            return LeadPrefix(outlet: found.outlet, dateline: nil, rest: rest)
        }
        // Dateline: "<Place> (<OUTLET>) - ".
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")), open >= 2, open <= 60,
            bytes[open - 1] == 0x20
        else { return nil }
        guard let found = outlets.outlet(atStartOf: bytes[open...]),
            bytes[open + found.length - 1] == UInt8(ascii: ")"),
            let rest = afterDash(block, bytes, from: open + found.length)
        else { return nil }
        let place = String(decoding: bytes[..<(open - 1)], as: UTF8.self)
        let words = place.split(separator: " ")
        guard words.count <= 6,
            words.allSatisfy({ word in word.first.map { $0.isUppercase || $0.isNumber } ?? false })
        else { return nil }
        return LeadPrefix(outlet: found.outlet, dateline: place.trimmingTrailing(","), rest: rest)
    }

    /// The text of `block` after ` - ` (any dash, spaces optional before it) at byte `index`, or `nil` when no
    /// dash is there. `bytes` are the block's first bytes.
    private static func afterDash(_ block: String, _ bytes: [UInt8], from index: Int) -> String? {
        var position = index
        while position < bytes.count, bytes[position] == 0x20 { position += 1 }
        guard let dash = dashes.first(where: { bytes[position...].starts(with: $0) }) else { return nil }
        position += dash.count
        guard position < bytes.count, bytes[position] == 0x20 else { return nil }
        while position < bytes.count, bytes[position] == 0x20 { position += 1 }
        guard position < bytes.count else { return nil }
        // After ASCII spaces: a scalar boundary.
        return block.copy(utf8Offsets: position..<block.utf8.count)
    }

    private static let dashes: [[UInt8]] = [Array("-".utf8), Array("–".utf8), Array("—".utf8)]
}
