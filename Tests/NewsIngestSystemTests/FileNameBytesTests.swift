import NewsIngestSystem
import Testing

@Suite struct FileNameBytesTests {
    @Test func utf8NamesAreTextAsTheyAre() {
        let name = Array("Tiền Phong – bài 1.txt".utf8)
        #expect(FileNameBytes.text(name) == "Tiền Phong – bài 1.txt")
        #expect(FileNameBytes.escaped(name) == "Tiền Phong – bài 1.txt")
    }

    /// Names that are not UTF-8, and how they are shown.
    static let undecodable: [(name: [UInt8], escaped: String)] = [
        // Windows-1258 `é` as one byte.
        ([0x74, 0x69, 0x6E, 0xE9, 0x2E, 0x74, 0x78, 0x74], "tin\\xE9.txt"),
        // A three-byte sequence cut short, then ASCII.
        ([0xE1, 0xBB, 0x61], "\\xE1\\xBBa"),
        // A stray continuation byte between letters, then an overlong `/`.
        ([0x61, 0x80, 0xE1, 0xBB, 0x81, 0xC0, 0xAF], "a\\x80ề\\xC0\\xAF"),
        // A surrogate encoded as if it were a scalar.
        ([0xED, 0xA0, 0x80], "\\xED\\xA0\\x80"),
    ]

    @Test func otherBytesAreEscapedOneByOne() {
        for (name, escaped) in Self.undecodable {
            #expect(FileNameBytes.text(name) == nil, "\(escaped)")
            #expect(FileNameBytes.escaped(name) == escaped)
        }
    }
}
