/// File names on Linux are bytes. A name that is not UTF-8 (a legacy code page's `é` as one byte, say) has
/// no exact `String`, so a path built from one names no file: such names are told apart and shown escaped.
public enum FileNameBytes {
    /// The name as text when its bytes are UTF-8, else `nil`.
    public static func text(_ bytes: some Collection<UInt8>) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// The name for people and logs: its UTF-8 as it is, each byte of an invalid sequence as `\xNN`.
    public static func escaped(_ bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        var escaped = ""
        var start = 0
        while start < bytes.count {
            var parser = Unicode.UTF8.ForwardParser()
            var iterator = bytes[start...].makeIterator()
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                escaped.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                start += encoded.count
            case .error(let length):
                for byte in bytes[start..<start + length] {
                    escaped +=
                        "\\x" + String(byte >> 4, radix: 16, uppercase: true)
                        + String(byte & 0xF, radix: 16, uppercase: true)
                }
                start += length
            case .emptyInput:
                return escaped
            }
        }
        return escaped
    }
}
