/// A configuration that cannot be used: the key, the value, and why. `newsingest` exits 78 (`EX_CONFIG`).
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the configuration came from (a path, or `<built-in>`).
    public var source: String
    /// The full key, as `output.fsync` or `source.directory[1].path`; empty for a syntax error.
    public var key: String
    /// The value as written, when there is one.
    public var value: String?
    /// The line in the file, when known.
    public var line: Int?
    /// Why it cannot be used.
    public var reason: String

    public var description: String {
        var text = source
        if let line { text += ":\(line)" }
        text += ": "
        if !key.isEmpty { text += key + (value.map { " = \($0)" } ?? "") + ": " }
        return text + reason
    }
}
