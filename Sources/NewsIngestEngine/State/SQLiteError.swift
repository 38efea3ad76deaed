/// A failed SQLite call: which operation, on which database, and SQLite's message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// What was being done (`open`, `prepare`, `step`…).
    public var operation: String
    /// The database file.
    public var path: String
    /// SQLite's result code.
    public var code: Int32
    /// SQLite's message.
    public var message: String

    public var description: String { "state database \(path): \(operation) failed: \(message) (SQLite code \(code))" }
}
