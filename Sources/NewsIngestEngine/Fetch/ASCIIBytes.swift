/// Space, tab, line feed, vertical tab, form feed or carriage return.
func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

/// `byte` with `A`–`Z` made lower case; every other byte as it is. (Or-ing `0x20` into any byte would also
/// turn `_` into DEL and `@` into a backquote.)
@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }

extension String {
    /// The string without ASCII white space (``isASCIIWhitespace(_:)``) at either end.
    func trimmingASCIIWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { !isASCIIWhitespace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isASCIIWhitespace($0) })!
        if first == utf8.startIndex, last == utf8.index(before: utf8.endIndex) { return self }
        return String(self[first...last])
    }
}

extension ArraySlice<UInt8> {
    /// The bytes without ASCII white space (``isASCIIWhitespace(_:)``) at either end.
    func trimmingASCIIWhitespace() -> ArraySlice<UInt8> {
        guard let first = firstIndex(where: { !isASCIIWhitespace($0) }) else { return [] }
        return self[first...lastIndex(where: { !isASCIIWhitespace($0) })!]
    }
}
