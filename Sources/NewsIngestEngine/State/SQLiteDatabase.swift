import CSQLite

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

/// One SQLite connection. Not thread-safe: its owner serializes access.
final class SQLiteDatabase {
    private let handle: OpaquePointer
    let path: String

    /// Opens (creating) the database at `path`.
    init(path: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close(handle) }
            throw SQLiteError(operation: "open", path: path, code: code, message: message)
        }
        self.handle = handle
        self.path = path
        sqlite3_busy_timeout(handle, 5_000)
    }

    deinit { sqlite3_close(handle) }

    /// Runs SQL that returns no rows (one or more statements).
    func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard code == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw SQLiteError(operation: "execute", path: path, code: code, message: message)
        }
    }

    /// A prepared statement, reset and rebound for each use.
    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error("prepare", code) }
        return SQLiteStatement(statement: statement, database: self)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last statement that ran to its end (an `INSERT`, `UPDATE` or `DELETE`).
    var changes: Int { Int(sqlite3_changes64(handle)) }

    func error(_ operation: String, _ code: Int32) -> SQLiteError {
        SQLiteError(operation: operation, path: path, code: code, message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// A prepared statement of an ``SQLiteDatabase``.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private let database: SQLiteDatabase

    init(statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds `values` to the parameters in order (after a reset).
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let integer): code = sqlite3_bind_int64(statement, index, integer)
            case .text(let text): code = sqlite3_bind_text(statement, index, text, -1, csqlite_transient())
            case .null: code = sqlite3_bind_null(statement, index)
            }
            guard code == SQLITE_OK else { throw database.error("bind", code) }
        }
    }

    /// Steps once: true while a row is available.
    func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error("step", code)
        }
    }

    /// Ends the statement's current run. A statement that returned a row and was not run to its end keeps
    /// its read of the database open, and an open read keeps SQLite from starting its write-ahead log again
    /// after a checkpoint: every lookup resets its statement once it has read what it needs.
    func reset() { sqlite3_reset(statement) }

    /// Binds and runs a statement that returns no rows.
    func run(_ values: [SQLiteValue]) throws(SQLiteError) {
        try bind(values)
        while try step() {}
    }

    func integer(at column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func isNull(at column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func text(at column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case integer(Int64)
    case text(String)
    case null
}
