import Crypto

/// The stable content id of an article: lowercase hex SHA-256 of its normalized title, lead and paragraphs.
///
/// Input: the title (empty when absent), a line feed, the lead (empty when absent), a line feed, then each
/// paragraph followed by a line feed, all UTF-8. The same article arriving twice, by any path, encoding or
/// tone style of input, has the same id, as long as the tone style of the output is the same.
enum ContentID {
    static func id(title: String?, lead: String?, paragraphs: [String]) -> String {
        // The lines are laid out in one buffer and hashed in one call: a call per line (and per line feed)
        // cost as much as the hashing itself.
        var input: [UInt8] = []
        input.reserveCapacity(
            (title?.utf8.count ?? 0) + (lead?.utf8.count ?? 0)
                + paragraphs.reduce(paragraphs.count + 2) { $0 + $1.utf8.count })
        func addLine(_ line: String?) {
            if let line { input.append(contentsOf: line.utf8) }
            input.append(0x0A)
        }
        addLine(title)
        addLine(lead)
        for paragraph in paragraphs { addLine(paragraph) }
        var hasher = SHA256()
        input.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return LowercaseHex.text(of: hasher.finalize())
    }
}
