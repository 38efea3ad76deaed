/// Parses the part of TOML 1.0 a configuration file needs: comments, `[tables]` and `[[arrays.of.tables]]`
/// with dotted names, `key = value` with bare or quoted keys, basic and literal strings with escapes,
/// integers (with `_`, hex, octal, binary), floats, booleans, arrays (over several lines, trailing comma
/// allowed) and inline tables. Dates and multi-line strings are not supported and are reported as errors.
///
/// Pure: text in, tables out.
public enum TOMLParser {
    /// The deepest arrays and inline tables may be nested: a configuration needs two or three levels, and a
    /// limit keeps a hostile file from exhausting the stack.
    public static let maxNesting = 32
    /// The most parts a dotted key or a table header may have.
    public static let maxKeyParts = 32
    /// The longest key, in bytes.
    public static let maxKeyBytes = 1024

    /// Parses `text`.
    /// - Throws: ``TOMLError`` naming the line.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var scanner = Scanner(bytes: Array(text.utf8))
        return try scanner.document()
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        /// The arrays of tables made by `[[…]]` headers, by their paths (``arrayKey(_:_:)``): only those take
        /// more elements (TOML forbids appending to an array written as a value).
        var arraysOfTables = Set<String>()

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func fail(_ reason: String) -> TOMLError { TOMLError(line: line, reason: reason) }

        mutating func advance() {
            if current == 0x0A { line += 1 }
            index += 1
        }

        mutating func skipSpaces() {
            while let byte = current, byte == 0x20 || byte == 0x09 { advance() }
        }

        /// Spaces, comments and line ends (inside arrays and between statements).
        mutating func skipBlank() {
            while let byte = current {
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    advance()
                } else if byte == UInt8(ascii: "#") {
                    while let next = current, next != 0x0A { advance() }
                } else {
                    return
                }
            }
        }

        /// After a statement: spaces, an optional comment, then a line end or the end.
        mutating func endOfLine() throws(TOMLError) {
            skipSpaces()
            if current == UInt8(ascii: "#") { while let next = current, next != 0x0A { advance() } }
            if current == 0x0D { advance() }
            guard current == nil || current == 0x0A else {
                throw fail("unexpected '\(String(decoding: [current!], as: UTF8.self))' after a value")
            }
        }

        mutating func document() throws(TOMLError) -> TOMLTable {
            var root = TOMLTable()
            var path: [PathStep] = []
            var definedTables = Set<[String]>()
            while true {
                skipBlank()
                guard let byte = current else { return root }
                let statementLine = line
                if byte == UInt8(ascii: "[") {
                    advance()
                    let isArray = current == UInt8(ascii: "[")
                    if isArray { advance() }
                    skipSpaces()
                    let names = try dottedKey()
                    skipSpaces()
                    guard current == UInt8(ascii: "]") else { throw fail("a table header must end with ']'") }
                    advance()
                    if isArray {
                        guard current == UInt8(ascii: "]") else {
                            throw fail("an array-of-tables header must end with ']]'")
                        }
                        advance()
                    }
                    try endOfLine()
                    if !isArray {
                        guard definedTables.insert(names).inserted else {
                            throw fail("table [\(names.joined(separator: "."))] is defined twice")
                        }
                    }
                    path = try open(names, isArray: isArray, in: &root, line: statementLine)
                } else {
                    let names = try dottedKey()
                    skipSpaces()
                    guard current == UInt8(ascii: "=") else {
                        throw fail("expected '=' after key '\(names.joined(separator: "."))'")
                    }
                    advance()
                    skipSpaces()
                    let value = try self.value()
                    try endOfLine()
                    try Self.assign(value, to: names, under: path, in: &root, line: statementLine)
                }
            }
        }

        mutating func dottedKey() throws(TOMLError) -> [String] {
            var names = [try key()]
            skipSpaces()
            while current == UInt8(ascii: ".") {
                guard names.count < TOMLParser.maxKeyParts else {
                    throw fail("a key or table name has more than \(TOMLParser.maxKeyParts) dotted parts")
                }
                advance()
                skipSpaces()
                names.append(try key())
                skipSpaces()
            }
            return names
        }

        mutating func key() throws(TOMLError) -> String {
            let key: String
            if current == UInt8(ascii: "\"") {
                key = try basicString()
            } else if current == UInt8(ascii: "'") {
                key = try literalString()
            } else {
                let start = index
                while let byte = current, Self.isBareKeyByte(byte) { advance() }
                guard index > start else { throw fail("expected a key") }
                key = String(decoding: bytes[start..<index], as: UTF8.self)
            }
            guard key.utf8.count <= TOMLParser.maxKeyBytes else {
                throw fail("a key is longer than \(TOMLParser.maxKeyBytes) bytes")
            }
            return key
        }

        static func isBareKeyByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F
                || byte == 0x2D
        }

        /// A value; `depth`: how many arrays and inline tables it lies in.
        mutating func value(depth: Int = 0) throws(TOMLError) -> TOMLValue {
            guard let byte = current else { throw fail("expected a value") }
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{"), depth >= TOMLParser.maxNesting {
                throw fail("arrays and inline tables are nested more than \(TOMLParser.maxNesting) deep")
            }
            switch byte {
            case UInt8(ascii: "\""):
                return .string(try basicString())
            case UInt8(ascii: "'"):
                return .string(try literalString())
            case UInt8(ascii: "["):
                advance()
                var values: [TOMLValue] = []
                while true {
                    skipBlank()
                    if current == UInt8(ascii: "]") {
                        advance()
                        return .array(values)
                    }
                    values.append(try value(depth: depth + 1))
                    skipBlank()
                    if current == UInt8(ascii: ",") {
                        advance()
                    } else if current != UInt8(ascii: "]") {
                        throw fail("expected ',' or ']' in an array")
                    }
                }
            case UInt8(ascii: "{"):
                advance()
                var table = TOMLTable()
                skipSpaces()
                if current == UInt8(ascii: "}") {
                    advance()
                    return .table(table)
                }
                while true {
                    skipSpaces()
                    let name = try key()
                    skipSpaces()
                    guard current == UInt8(ascii: "=") else { throw fail("expected '=' in an inline table") }
                    advance()
                    skipSpaces()
                    guard table[name] == nil else { throw fail("key '\(name)' is defined twice") }
                    table.set(name, try value(depth: depth + 1), line: line)
                    skipSpaces()
                    if current == UInt8(ascii: ",") {
                        advance()
                    } else if current == UInt8(ascii: "}") {
                        advance()
                        return .table(table)
                    } else {
                        throw fail("expected ',' or '}' in an inline table")
                    }
                }
            default:
                return try scalar()
            }
        }

        /// Booleans and numbers: read up to a delimiter, then decide.
        mutating func scalar() throws(TOMLError) -> TOMLValue {
            let start = index
            while let byte = current, !" \t\r\n,]}#".utf8.contains(byte) { advance() }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            let digits = word.replacingUnderscores
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
                if let value = Int64(digits.dropFirst(2), radix: radix) { return .integer(value) }
            }
            if let value = Int64(digits) { return .integer(value) }
            if ["inf", "+inf", "-inf", "nan", "+nan", "-nan"].contains(digits)
                || digits.contains(where: { ".eE".contains($0) }),
                let value = Double(digits.replacingOccurrences(of: "inf", with: "infinity"))
            {
                return .float(value)
            }
            if word.isEmpty { throw fail("expected a value") }
            throw fail("'\(word)' is not a TOML value (strings need quotes)")
        }

        mutating func basicString() throws(TOMLError) -> String {
            advance()  // opening quote
            if current == UInt8(ascii: "\""), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                throw fail("multi-line strings are not supported")
            }
            var output: [UInt8] = []
            while true {
                guard let byte = current, byte != 0x0A else { throw fail("unterminated string") }
                advance()
                if byte == UInt8(ascii: "\"") { break }
                guard byte == UInt8(ascii: "\\") else {
                    output.append(byte)
                    continue
                }
                guard let escape = current else { throw fail("unterminated string") }
                advance()
                switch escape {
                case UInt8(ascii: "\""): output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let length = escape == UInt8(ascii: "u") ? 4 : 8
                    guard index + length <= bytes.count,
                        let value = UInt32(String(decoding: bytes[index..<(index + length)], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(value)
                    else { throw fail("invalid \\u escape") }
                    for _ in 0..<length { advance() }
                    output.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw fail("invalid escape '\\\(String(decoding: [escape], as: UTF8.self))'")
                }
            }
            return String(decoding: output, as: UTF8.self)
        }

        mutating func literalString() throws(TOMLError) -> String {
            advance()
            let start = index
            while let byte = current, byte != UInt8(ascii: "'") {
                guard byte != 0x0A else { throw fail("unterminated string") }
                advance()
            }
            guard current != nil else { throw fail("unterminated string") }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            advance()
            return text
        }
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
