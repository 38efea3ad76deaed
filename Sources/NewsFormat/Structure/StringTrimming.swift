/// Trimming a set of characters off the ends of a string, for the structure checks.
///
/// Most strings have nothing to trim, and that is told by one byte: a first byte that starts none of the
/// characters, or a last byte that ends none of them. Only then is the text broken into characters.
extension String {
    /// The string without leading and trailing `characters`.
    func trimmingCharacters(_ characters: String) -> String {
        trimmingTrailing(characters).trimmingLeading(characters)
    }

    /// The string without leading `characters`.
    func trimmingLeading(_ characters: String) -> String {
        if let first = utf8.first, !characters.unicodeScalars.contains(where: { $0.utf8.first == first }) {
            return self
        }
        return String(drop { characters.contains($0) })
    }

    /// The string without trailing `characters`.
    func trimmingTrailing(_ characters: String) -> String {
        if let last = utf8.last, !characters.unicodeScalars.contains(where: { $0.utf8.last == last }) {
            return self
        }
        var result = Substring(self)
        while let last = result.last, characters.contains(last) { result.removeLast() }
        return String(result)
    }
}

extension Substring {
    /// The text without leading and trailing `characters`.
    func trimmingCharacters(_ characters: String) -> String { String(self).trimmingCharacters(characters) }
}
