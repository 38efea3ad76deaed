/// Parses the part of TOML 1.0 a configuration file needs: comments, `[tables]` and `[[arrays.of.tables]]`
/// with dotted names, `key = value` with bare or quoted keys, basic and literal strings with escapes,
/// integers (with `_`, hex, octal, binary), floats, booleans, arrays (over several lines, trailing comma
/// allowed) and inline tables. Dates and multi-line strings are not supported and are reported as errors.
///
/// Pure: text in, tables out.
public enum TOMLParser {
    /// Parses `text`.
    /// - Throws: ``TOMLError`` naming the line.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var scanner = Scanner(bytes: Array(text.utf8))
        return try scanner.document()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

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
                    path = try Self.open(names, isArray: isArray, in: &root, line: statementLine)
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
                advance()
                skipSpaces()
                names.append(try key())
                skipSpaces()
            }
            return names
        }

        mutating func key() throws(TOMLError) -> String {
            if current == UInt8(ascii: "\"") { return try basicString() }
            if current == UInt8(ascii: "'") { return try literalString() }
            let start = index
            while let byte = current, Self.isBareKeyByte(byte) { advance() }
            guard index > start else { throw fail("expected a key") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        static func isBareKeyByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F
                || byte == 0x2D
        }

        mutating func value() throws(TOMLError) -> TOMLValue {
            guard let byte = current else { throw fail("expected a value") }
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
                    values.append(try value())
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
                    table.set(name, try value(), line: line)
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

        /// One step of the current table's path: a key, and for arrays of tables the element index.
        struct PathStep {
            var key: String
            var element: Int?
        }

        /// Creates (or finds) the table named by a header and returns its path.
        static func open(_ names: [String], isArray: Bool, in root: inout TOMLTable, line: Int) throws(TOMLError)
            -> [PathStep]
        {
            var path: [PathStep] = []
            for (position, name) in names.enumerated() {
                let isLast = position == names.count - 1
                var step = PathStep(key: name, element: nil)
                let existing = lookup(path, in: root)?[name]
                if isLast && isArray {
                    var elements: [TOMLValue]
                    switch existing {
                    case nil: elements = []
                    case .array(let values) where values.allSatisfy({ if case .table = $0 { true } else { false } }):
                        elements = values
                    default:
                        throw TOMLError(
                            line: line, reason: "'\(names.joined(separator: "."))' is not an array of tables")
                    }
                    elements.append(.table(TOMLTable()))
                    try update(path, in: &root, line: line) { $0.set(name, .array(elements), line: line) }
                    step.element = elements.count - 1
                } else {
                    switch existing {
                    case nil:
                        try update(path, in: &root, line: line) { $0.set(name, .table(TOMLTable()), line: line) }
                    case .table:
                        break
                    case .array(let values) where !isLast && !values.isEmpty:
                        step.element = values.count - 1  // [[a]] then [a.b]: b goes in the last a
                    default:
                        throw TOMLError(line: line, reason: "'\(name)' is already a \(existing!.typeName), not a table")
                    }
                }
                path.append(step)
            }
            return path
        }

        static func lookup(_ path: [PathStep], in root: TOMLTable) -> TOMLTable? {
            var table = root
            for step in path {
                switch table[step.key] {
                case .table(let next): table = next
                case .array(let values):
                    guard let element = step.element, case .table(let next) = values[element] else { return nil }
                    table = next
                default: return nil
                }
            }
            return table
        }

        /// Applies `change` to the table at `path`, rebuilding the values above it.
        static func update(
            _ path: [PathStep],
            in table: inout TOMLTable,
            line: Int,
            _ change: (inout TOMLTable) throws(TOMLError) -> Void
        ) throws(TOMLError) {
            guard let step = path.first else { return try change(&table) }
            let rest = Array(path.dropFirst())
            switch table[step.key] {
            case .table(var child):
                try update(rest, in: &child, line: line, change)
                table.set(step.key, .table(child), line: table.lines[step.key] ?? line)
            case .array(var values):
                guard let element = step.element, case .table(var child) = values[element] else {
                    throw TOMLError(line: line, reason: "'\(step.key)' is not a table")
                }
                try update(rest, in: &child, line: line, change)
                values[element] = .table(child)
                table.set(step.key, .array(values), line: table.lines[step.key] ?? line)
            default:
                throw TOMLError(line: line, reason: "'\(step.key)' is not a table")
            }
        }

        static func assign(
            _ value: TOMLValue,
            to names: [String],
            under path: [PathStep],
            in root: inout TOMLTable,
            line: Int
        ) throws(TOMLError) {
            let tablePath = path + names.dropLast().map { PathStep(key: $0, element: nil) }
            // Dotted keys create intermediate tables.
            for depth in 0..<(names.count - 1) {
                let prefix = path + names[..<depth].map { PathStep(key: $0, element: nil) }
                let name = names[depth]
                if lookup(prefix, in: root)?[name] == nil {
                    try update(prefix, in: &root, line: line) { $0.set(name, .table(TOMLTable()), line: line) }
                }
            }
            let key = names.last!
            try update(tablePath, in: &root, line: line) { (table: inout TOMLTable) throws(TOMLError) in
                guard table[key] == nil else { throw TOMLError(line: line, reason: "key '\(key)' is defined twice") }
                table.set(key, value, line: line)
            }
        }
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
