import CSQLite
import NewsFormat
import NewsIngestSystem

/// How far each output is committed, and the lines a crash left past that end, adopted at start-up.
extension StateStore {
    /// Where the committed part of the output at `path` ends, and in which file, or `nil` when it was never
    /// written.
    public func committedEnd(ofOutput path: String) throws(SQLiteError) -> OutputEnd? {
        try database.withLock { connection throws(SQLiteError) in
            let statement = connection.outputs.outputOffset
            try statement.bind([.text(path)])
            defer { statement.reset() }
            guard try statement.step() else { return nil }
            let file =
                statement.isNull(at: 1) || statement.isNull(at: 2)
                ? nil
                : (
                    device: UInt64(bitPattern: statement.integer(at: 1)),
                    inode: UInt64(bitPattern: statement.integer(at: 2))
                )
            return OutputEnd(path: path, offset: statement.integer(at: 0), file: file)
        }
    }

    /// Records lines found in the output beyond its committed end (written before a crash, never committed):
    /// their contents count as emitted, and the file at `path` yielding `id` again is not emitted again, nor
    /// is that file found at another path (see ``recoveredLines(for:id:file:bornNanoseconds:)``). Adopting the
    /// same line twice (a crash during recovery) changes nothing; the caller commits the output's new end once
    /// every line is adopted.
    public func adoptRecoveredLines(_ lines: [AdoptedLine]) throws {
        let day = SQLiteValue.integer(today())
        try database.withLock { connection in
            try connection.database.transaction {
                for line in lines {
                    try connection.contents.insertContent.run([Self.key(ofContent: line.id), day])
                    guard let path = line.path else { continue }
                    // The file as its record gives it, else as found at its path.
                    let found: [SQLiteValue] =
                        if let recorded = line.recorded {
                            [
                                .integer(Int64(bitPattern: recorded.device)),
                                .integer(Int64(bitPattern: recorded.inode)), .null, .text(recorded.bornAt),
                            ]
                        } else if let found = line.found {
                            [
                                .integer(Int64(bitPattern: found.device)), .integer(Int64(bitPattern: found.inode)),
                                .integer(found.bornNanoseconds), .null,
                            ]
                        } else {
                            [.null, .null, .null, .null]
                        }
                    try connection.outputs.insertRecovered.run(
                        [
                            .text(path), .text(line.id), line.file.map { .integer(Int64($0.size)) } ?? .null,
                            line.file.map { .text($0.modifiedAt) } ?? .null,
                        ] + found)
                }
            }
            if lines.contains(where: { $0.path != nil }) { connection.mayHoldRecovered = true }
        }
    }

    /// The recovered output lines not yet consumed that a result from `path` with content `id` may be: it was
    /// emitted already. First the line of that path and content; then, for a file (`file`: the version read,
    /// made at `bornNanoseconds`), lines of the same content at other paths whose records give the same size
    /// and modification time, or whose file (as their record gives it, to the millisecond of its birth, or as
    /// found when they were adopted) is this one: the file, or a directory above it, was renamed since, and
    /// its times maybe set too.
    /// The caller takes the first line no other result took; it is consumed by the commit that records the
    /// result as a duplicate (`recognized`), so a crash before that commit leaves it to be recognized again.
    public func recoveredLines(
        for path: String, id: String, file: FileIdentity?, bornNanoseconds: Int64? = nil
    ) throws(SQLiteError) -> [RecoveredLine] {
        try database.withLock { connection throws(SQLiteError) in
            guard connection.mayHoldRecovered else { return [] }
            let statement = connection.outputs.recoveredLines
            try statement.bind([
                .text(id), .text(path),
                file.map { .integer($0.size) } ?? .null,
                file.map { .text(Timestamp(millisecondsSince1970: $0.modifiedMilliseconds).rfc3339) } ?? .null,
                file.map { .integer(Int64(bitPattern: $0.device)) } ?? .null,
                file.map { .integer(Int64(bitPattern: $0.inode)) } ?? .null,
                bornNanoseconds.map(SQLiteValue.integer) ?? .null,
                bornNanoseconds.map { .text(Timestamp(nanosecondsSince1970: $0).rfc3339) } ?? .null,
            ])
            defer { statement.reset() }
            var lines: [RecoveredLine] = []
            while try statement.step() {
                if let line = statement.text(at: 0) { lines.append(RecoveredLine(path: line, id: id)) }
            }
            return lines
        }
    }
}

/// The prepared statements of the outputs' and recovered lines' tables.
struct OutputStatements {
    let outputOffset: SQLiteStatement
    let setOutputOffset: SQLiteStatement
    let insertRecovered: SQLiteStatement
    let recoveredLines: SQLiteStatement
    let deleteRecovered: SQLiteStatement

    init(_ database: SQLiteDatabase) throws(SQLiteError) {
        outputOffset = try database.prepare("SELECT committed_offset, device, inode FROM outputs WHERE path = ?")
        setOutputOffset = try database.prepare(
            "INSERT OR REPLACE INTO outputs (path, committed_offset, device, inode) VALUES (?, ?, ?, ?)")
        insertRecovered = try database.prepare(
            "INSERT OR IGNORE INTO recovered (path, id, size, modified_at, device, inode, btime_ns, born_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        // Parameters a result without a file (a URL's) leaves `NULL` match nothing but its path.
        recoveredLines = try database.prepare(
            "SELECT path FROM recovered WHERE id = ?1 AND (path = ?2 OR (size = ?3 AND modified_at = ?4) "
                + "OR (device = ?5 AND inode = ?6 AND (btime_ns = ?7 OR born_at = ?8))) ORDER BY path != ?2")
        deleteRecovered = try database.prepare("DELETE FROM recovered WHERE path = ? AND id = ?")
    }
}
