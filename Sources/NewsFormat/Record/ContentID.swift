import Crypto

/// The stable content id of an article: lowercase hex SHA-256 of its normalized title, lead and paragraphs.
///
/// Input: the title (empty when absent), a line feed, the lead (empty when absent), a line feed, then each
/// paragraph followed by a line feed, all UTF-8. The same article arriving twice, by any path, encoding or
/// tone style of input, has the same id, as long as the tone style of the output is the same.
enum ContentID {
    static func id(title: String?, lead: String?, paragraphs: [String]) -> String {
        var hasher = SHA256()
        func addLine(_ line: String?) {
            var line = line ?? ""
            line.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            withUnsafeBytes(of: UInt8(0x0A)) { hasher.update(bufferPointer: $0) }
        }
        addLine(title)
        addLine(lead)
        for paragraph in paragraphs { addLine(paragraph) }
        let hexDigits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in hasher.finalize() {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
