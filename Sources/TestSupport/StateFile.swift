import CSQLite

/// The daemon's state database read directly, with SQL, once the daemon has stopped (it holds the file's
/// lock while it runs): the real SQLite file, not a report of it.
public struct StateFile: ~Copyable {
    private let database: OpaquePointer

    /// Why the file could not be read.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens `state.sqlite3` in the state directory `directory`.
    public init(directory: String) throws(Failure) {
        database = try Self.open(directory: directory, flags: SQLITE_OPEN_READWRITE)
    }

    deinit { sqlite3_close(database) }

    /// Creates `state.sqlite3` in `directory` and runs `sql` on it: a state as an earlier version wrote it.
    public static func create(directory: String, executing sql: String) throws(Failure) {
        let database = try open(directory: directory, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        defer { sqlite3_close(database) }
        guard sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK else {
            throw Failure(
                description: "cannot create the state in \(directory): \(String(cString: sqlite3_errmsg(database)))")
        }
    }

    /// A connection to `state.sqlite3` in `directory`.
    private static func open(directory: String, flags: Int32) throws(Failure) -> OpaquePointer {
        var handle: OpaquePointer?
        let path = directory + "/state.sqlite3"
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            sqlite3_close(handle)
            throw Failure(description: "cannot open \(path)")
        }
        return handle
    }

    /// The first column of the first row `query` returns, as an integer.
    public func integer(_ query: String) throws(Failure) -> Int {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, query, -1, &statement, nil) == SQLITE_OK
        else { throw Failure(description: String(cString: sqlite3_errmsg(database))) }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else {
            throw Failure(description: String(cString: sqlite3_errmsg(database)))
        }
        return Int(sqlite3_column_int64(statement, 0))
    }

    /// Runs `sql` (statements that return no rows): the state changed by hand, as time or an operator would.
    public func execute(_ sql: String) throws(Failure) {
        guard sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK else {
            throw Failure(description: String(cString: sqlite3_errmsg(database)))
        }
    }

    /// The number of rows in `table`.
    public func rowCount(of table: String) throws(Failure) -> Int {
        try integer("SELECT count(*) FROM \(table)")
    }
}
