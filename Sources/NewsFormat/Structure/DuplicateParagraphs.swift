/// Tells a paragraph that repeats an earlier one of the same article, in time linear in the text however the
/// input is made.
///
/// Paragraphs are first told apart by a cheap key: their length and their first and last eight bytes. Only a
/// paragraph whose cheap key an earlier one shares is hashed in full (``Swift/String/utf8Hash``, seeded per
/// process), with that earlier one, and compared byte for byte with the earlier paragraphs of its full hash.
/// Articles rarely repeat a cheap key, so most paragraphs are never hashed in full; input made to share cheap
/// keys costs one full hash per paragraph, and input made to share full hashes would need collisions of a
/// seeded SipHash.
struct DuplicateParagraphs {
    private struct CheapKey: Hashable {
        var length: Int
        var head: UInt64
        var tail: UInt64
    }

    /// The first paragraph with each cheap key, by its position among the paragraphs kept.
    private var firstByCheapKey: [CheapKey: Int] = [:]
    /// The last paragraph hashed in full with each full hash; earlier ones are chained through
    /// `earlierWithSameHash`.
    private var lastByHash: [Int: Int] = [:]
    /// Per paragraph kept: the one before it with the same full hash (-1 when none), or -2 when it was not
    /// hashed in full.
    private var earlierWithSameHash: [Int] = []

    /// Room for `count` paragraphs.
    init(expected count: Int) {
        firstByCheapKey.reserveCapacity(count)
        earlierWithSameHash.reserveCapacity(count)
    }

    /// True when `paragraph` has the same bytes as one of `paragraphs` (the ones kept so far, each recorded
    /// here when it was kept); otherwise it is recorded as the next one kept.
    mutating func isRepeated(_ paragraph: String, among paragraphs: [String]) -> Bool {
        let key = Self.cheapKey(of: paragraph)
        guard let first = firstByCheapKey[key] else {
            firstByCheapKey[key] = paragraphs.count
            earlierWithSameHash.append(-2)
            return false
        }
        if earlierWithSameHash[first] == -2 { addToHashes(first, hash: paragraphs[first].utf8Hash) }
        let hash = paragraph.utf8Hash
        var candidate = lastByHash[hash] ?? -1
        while candidate >= 0 {
            if paragraphs[candidate].hasSameUTF8(as: paragraph) { return true }
            candidate = earlierWithSameHash[candidate]
        }
        earlierWithSameHash.append(-2)
        addToHashes(paragraphs.count, hash: hash)
        return false
    }

    private mutating func addToHashes(_ position: Int, hash: Int) {
        earlierWithSameHash[position] = lastByHash[hash] ?? -1
        lastByHash[hash] = position
    }

    /// Length and the first and last eight bytes (zero-padded), which equal paragraphs share.
    private static func cheapKey(of paragraph: String) -> CheapKey {
        paragraph.withUTF8Bytes { bytes in
            var head: UInt64 = 0
            var tail: UInt64 = 0
            let count = min(8, bytes.count)
            for offset in 0..<count {
                head |= UInt64(bytes[offset]) << UInt64(8 * offset)
                tail |= UInt64(bytes[bytes.count - count + offset]) << UInt64(8 * offset)
            }
            return CheapKey(length: bytes.count, head: head, tail: tail)
        }
    }
}
