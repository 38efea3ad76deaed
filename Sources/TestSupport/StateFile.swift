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
        var handle: OpaquePointer?
        let path = directory + "/state.sqlite3"
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let handle else {
            sqlite3_close(handle)
            throw Failure(description: "cannot open \(path)")
        }
        database = handle
    }

    deinit { sqlite3_close(database) }

    /// The number of rows in `table`.
    public func rowCount(of table: String) throws(Failure) -> Int {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, "SELECT count(*) FROM \(table)", -1, &statement, nil) == SQLITE_OK
        else { throw Failure(description: String(cString: sqlite3_errmsg(database))) }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else {
            throw Failure(description: String(cString: sqlite3_errmsg(database)))
        }
        return Int(sqlite3_column_int64(statement, 0))
    }
}
