import CSQLite
import NewsFormat
import NewsIngestSystem

/// The contents emitted (by 128 bits of their ids), the day each was last seen, and their forgetting.
extension StateStore {
    /// True when a record with this content id was emitted before (and, with ``forgetAfterDays``, seen within
    /// that many days, or still held by a kept file or a polled URL).
    public func hasEmitted(_ contentID: String) throws(SQLiteError) -> Bool {
        let firstDay = firstDayRemembered
        let key = Self.key(ofContent: contentID)
        return try database.withLock { connection throws(SQLiteError) in
            try connection.contents.hasEmitted.bind([key])
            defer { connection.contents.hasEmitted.reset() }
            guard try connection.contents.hasEmitted.step() else { return false }
            if connection.contents.hasEmitted.integer(at: 0) >= firstDay { return true }
            // Past its days, yet still held by a kept file or a polled URL (neither read again while
            // unchanged): it is there, so it counts as seen.
            try connection.contents.isHeld.bind([key])
            defer { connection.contents.isHeld.reset() }
            return try connection.contents.isHeld.step()
        }
    }

    /// The SQL condition that the content key `key` (an SQL expression) is held by a kept file or by a polled
    /// article URL.
    static func isHeld(_ key: String) -> String {
        "(EXISTS (SELECT 1 FROM file_versions WHERE content_key = \(key)) "
            + "OR EXISTS (SELECT 1 FROM urls WHERE substr(content_id, 1, 32) = \(key) AND outcome != 'failed'))"
    }

    /// Forgets the contents and index links not seen for ``forgetAfterDays`` days (nothing when that is 0):
    /// the same content arriving again is emitted again, the same link listed again is fetched again.
    ///
    /// The tables are walked in key order `chunk` rows at a time, each chunk's rows deleted in a transaction
    /// of its own and the lock let go in between, so that commits do not wait for a whole pass.
    /// - Returns: how many contents and links were forgotten.
    @discardableResult
    public func forgetUnseen(chunk: Int = 10_000) throws -> (contents: Int, links: Int) {
        guard forgetAfterDays > 0 else { return (0, 0) }
        let firstDay = SQLiteValue.integer(firstDayRemembered)
        // A content a kept file or a polled URL still holds is kept: neither is read again while unchanged.
        let contents = try forgetInChunks(
            of: "emitted_contents", keys: ["key"], chunk: chunk, firstDay: firstDay,
            alsoRequiring: "NOT " + Self.isHeld("emitted_contents.key"))
        let links = try forgetInChunks(of: "links", keys: ["index_url", "link"], chunk: chunk, firstDay: firstDay)
        return (contents, links)
    }

    /// Deletes the rows of `table` last seen before `firstDay` that meet `condition` (SQL), walking its primary
    /// key (`keys`, all text) `chunk` rows at a time. Returns how many rows were deleted.
    func forgetInChunks(
        of table: String, keys: [String], chunk: Int, firstDay: SQLiteValue, alsoRequiring condition: String = "1"
    ) throws -> Int {
        let columns = keys.joined(separator: ", ")
        let placeholders = keys.map { _ in "?" }.joined(separator: ", ")
        // The chunk ends at the key `chunk - 1` rows past the first one after `after`; none: the table ends.
        let chunkEndSQL =
            "SELECT \(columns) FROM \(table) WHERE (\(columns)) > (\(placeholders)) ORDER BY \(columns) "
            + "LIMIT 1 OFFSET \(max(0, chunk - 1))"
        let deleteChunkSQL =
            "DELETE FROM \(table) WHERE (\(columns)) > (\(placeholders)) "
            + "AND (\(columns)) <= (\(placeholders)) AND day < ? AND \(condition)"
        let deleteRestSQL =
            "DELETE FROM \(table) WHERE (\(columns)) > (\(placeholders)) AND day < ? AND \(condition)"
        // Every key is a non-empty text: the empty ones come before all.
        var after = [SQLiteValue](repeating: .text(""), count: keys.count)
        var forgotten = 0
        var isDone = false
        while !isDone {
            try database.withLock { connection in
                let chunkEnd = try connection.database.prepare(chunkEndSQL)
                try chunkEnd.bind(after)
                let end: [SQLiteValue]? =
                    try chunkEnd.step() ? keys.indices.map { .text(chunkEnd.text(at: Int32($0)) ?? "") } : nil
                chunkEnd.reset()
                try connection.database.transaction {
                    if let end {
                        try connection.database.prepare(deleteChunkSQL).run(after + end + [firstDay])
                    } else {
                        try connection.database.prepare(deleteRestSQL).run(after + [firstDay])
                    }
                    forgotten += connection.database.changes
                }
                if let end { after = end } else { isDone = true }
            }
        }
        return forgotten
    }
}

/// The prepared statements of the emitted contents' table.
struct ContentStatements {
    let hasEmitted: SQLiteStatement
    let isHeld: SQLiteStatement
    let insertContent: SQLiteStatement

    init(_ database: SQLiteDatabase) throws(SQLiteError) {
        hasEmitted = try database.prepare("SELECT day FROM emitted_contents WHERE key = ?")
        isHeld = try database.prepare("SELECT 1 WHERE " + StateStore.isHeld("?1"))
        insertContent = try database.prepare(
            "INSERT INTO emitted_contents (key, day) VALUES (?, ?) "
                + "ON CONFLICT (key) DO UPDATE SET day = excluded.day WHERE day < excluded.day")
    }
}
