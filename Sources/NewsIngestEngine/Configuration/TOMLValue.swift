/// A value read from a TOML document.
public indirect enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    /// Takes the table out of this value, leaving a placeholder, so that the table returned is its storage's
    /// only owner and changes in place (binding it in a `switch` would keep a second reference while the case
    /// runs, and every change would copy it); `nil`, leaving the value as it is, when it is not a table.
    mutating func takeTable() -> TOMLTable? {
        guard case .table(let table) = self else { return nil }
        self = .boolean(false)
        return table
    }

    /// Takes the array out of this value, as ``takeTable()`` does a table.
    mutating func takeArray() -> [TOMLValue]? {
        guard case .array(let values) = self else { return nil }
        self = .boolean(false)
        return values
    }

    /// The TOML type's name, for error messages.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .array: "array"
        case .table: "table"
        }
    }

    /// The value as written in TOML, for error messages.
    public var text: String {
        switch self {
        case .string(let value): "\"\(value)\""
        case .integer(let value): "\(value)"
        case .float(let value): "\(value)"
        case .boolean(let value): "\(value)"
        case .array(let values): "[" + values.map(\.text).joined(separator: ", ") + "]"
        case .table: "{…}"
        }
    }
}

/// A TOML table: keys in the order they were written, with the line each was defined on.
public struct TOMLTable: Equatable, Sendable {
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]
    /// The line (1-based) each key was defined on.
    public private(set) var lines: [String: Int] = [:]

    public init() {}

    public subscript(key: String) -> TOMLValue? { values[key] }

    mutating func set(_ key: String, _ value: TOMLValue, line: Int) {
        if values[key] == nil { keys.append(key) }
        values[key] = value
        lines[key] = line
    }

    /// Changes the value of `key` (which must be set) in place: it is taken out of the table while `change`
    /// runs, so a table or array inside it is not copied (each copy would make building a document quadratic).
    /// When `change` throws, the value is left as it changed it: the parser gives the whole document up then.
    mutating func modify(
        _ key: String, line: Int? = nil, _ change: (inout TOMLValue) throws(TOMLError) -> Void
    ) throws(TOMLError) {
        guard var value = values.removeValue(forKey: key) else { return }
        defer { values[key] = value }
        if let line { lines[key] = line }
        try change(&value)
    }
}
