import CSQLite
import NewsFormat
import NewsIngestSystem

/// The file versions committed: which are done, where they were, and what they held.
extension StateStore {
    static func key(_ identity: FileIdentity) -> [SQLiteValue] {
        [
            .integer(Int64(bitPattern: identity.device)), .integer(Int64(bitPattern: identity.inode)),
            .integer(identity.size), .integer(identity.modifiedNanoseconds),
        ]
    }

    /// The row of the version committed with this device, inode, size and modification time (see
    /// ``forgetFileVersions(rows:)``), what became of it, and its inode's change time then (`nil` in a row of
    /// schema 4 or earlier); `nil` when none was committed.
    public func committedVersion(
        of identity: FileIdentity
    ) throws(SQLiteError) -> (row: Int64, kind: FileOutcome.Kind, changedNanoseconds: Int64?)? {
        try database.withLock { connection throws(SQLiteError) in
            let statement = connection.fileVersions.outcome
            try statement.bind(Self.key(identity))
            defer { statement.reset() }
            guard try statement.step() else { return nil }
            let kind = statement.text(at: 0).flatMap(FileOutcome.Kind.init(rawValue:)) ?? .emitted
            return (statement.integer(at: 1), kind, statement.isNull(at: 2) ? nil : statement.integer(at: 2))
        }
    }

    /// The last row of the file versions committed so far (0 when there is none). Rows are numbered in
    /// commit order, and a version committed again gets a new row: every row after this one is newer.
    public func lastFileVersionRow() throws(SQLiteError) -> Int64 {
        try database.withLock { connection throws(SQLiteError) in
            try connection.fileVersions.lastFileVersion.bind([])
            defer { connection.fileVersions.lastFileVersion.reset() }
            return try connection.fileVersions.lastFileVersion.step()
                ? connection.fileVersions.lastFileVersion.integer(at: 0) : 0
        }
    }

    /// Calls `body` with the row and device of every file version committed up to row `lastRow`, in the
    /// order of their identities.
    ///
    /// The rows are read `chunk` at a time, the lock let go in between, so that commits do not wait for a
    /// whole pass over a million rows (about half a second). What a commit changes meanwhile does not matter
    /// here: the rows it adds come after `lastRow`, and a row it deletes is not listed or listed for nothing.
    public func forEachFileVersion(
        upTo lastRow: Int64, chunk: Int = 10_000, _ body: (_ row: Int64, _ device: UInt64) -> Void
    ) throws(SQLiteError) {
        // Before every identity: each part at its smallest.
        var after: [SQLiteValue] = Array(repeating: .integer(.min), count: 4)
        var isDone = false
        while !isDone {
            try database.withLock { connection throws(SQLiteError) in
                let statement = connection.fileVersions.fileVersionsUpTo
                try statement.bind(after + [.integer(Int64(max(1, chunk)))])
                defer { statement.reset() }
                var listed = 0
                while try statement.step() {
                    listed += 1
                    after = (1...4).map { .integer(statement.integer(at: Int32($0))) }
                    let row = statement.integer(at: 0)
                    if row <= lastRow { body(row, UInt64(bitPattern: statement.integer(at: 1))) }
                }
                isDone = listed < max(1, chunk)
            }
        }
    }

    /// Forgets these file versions (by their rows), in one transaction: files that are gone, which no scan
    /// can find again. Their contents stay remembered, as seen today (the files were there until now).
    public func forgetFileVersions(rows: [Int64]) throws {
        guard !rows.isEmpty else { return }
        let day = SQLiteValue.integer(today())
        try database.withLock { connection in
            try connection.database.transaction {
                let refresh =
                    forgetAfterDays > 0
                    ? try connection.database.prepare(
                        "UPDATE emitted_contents SET day = ?1 WHERE day < ?1 "
                            + "AND key = (SELECT content_key FROM file_versions WHERE rowid = ?2)") : nil
                for row in rows {
                    try refresh?.run([day, .integer(row)])
                    try connection.fileVersions.deleteFileVersion.run([.integer(row)])
                }
            }
        }
    }

    /// True when the version of the file of `identity` committed last holds the content `contentID`: the file
    /// changed its times, mode or name since, not its content (`touch`, an archive's extraction setting its
    /// times after its close, a copy that keeps them, a `chmod`, a rename of it or of a directory above it).
    /// A file rewritten and then written back as it was has changed twice, and is not one of these.
    ///
    /// The file is the last version committed of its device and inode, when it was made at `bornNanoseconds`
    /// (a new file made on the inode of a deleted one was made later, and is another file). Where birth
    /// times are unknown (a file system that keeps none, a row committed before schema 7), it is the last
    /// version committed at `path` on that device and inode. A row committed without its content (before
    /// schema 4, or while neither `dedupe = "none"` nor forgetting asked for it) holds none.
    public func isContent(
        _ contentID: String, ofTheLastVersionOf identity: FileIdentity, bornNanoseconds: Int64? = nil,
        at path: String
    ) throws(SQLiteError) -> Bool {
        try database.withLock { connection throws(SQLiteError) in
            let inode = Array(Self.key(identity).prefix(2))
            let content = Self.key(ofContent: contentID)
            if let bornNanoseconds {
                let last = connection.fileVersions.lastVersionOfInode
                try last.bind(inode + [content])
                defer { last.reset() }
                if try last.step(), !last.isNull(at: 1) {
                    return last.integer(at: 1) == bornNanoseconds && last.integer(at: 0) == 1
                }
            }
            let statement = connection.fileVersions.isLastContentOfFile
            try statement.bind(inode + [.text(path), content])
            defer { statement.reset() }
            return try statement.step() && statement.integer(at: 0) == 1
        }
    }
}

/// The prepared statements of the file versions' table.
struct FileVersionStatements {
    let outcome: SQLiteStatement
    let isLastContentOfFile: SQLiteStatement
    let lastVersionOfInode: SQLiteStatement
    let insertFile: SQLiteStatement
    let deleteFile: SQLiteStatement
    let lastFileVersion: SQLiteStatement
    let fileVersionsUpTo: SQLiteStatement
    let deleteFileVersion: SQLiteStatement

    init(_ database: SQLiteDatabase) throws(SQLiteError) {
        outcome = try database.prepare(
            "SELECT outcome, rowid, ctime_ns FROM file_versions "
                + "WHERE device = ? AND inode = ? AND size = ? AND mtime_ns = ?"
        )
        // Read through the identity index, by its device and inode; the last committed first.
        isLastContentOfFile = try database.prepare(
            "SELECT content_key IS ?4 FROM file_versions WHERE device = ?1 AND inode = ?2 AND path = ?3 "
                + "ORDER BY rowid DESC LIMIT 1")
        lastVersionOfInode = try database.prepare(
            "SELECT content_key IS ?3, btime_ns FROM file_versions WHERE device = ?1 AND inode = ?2 "
                + "ORDER BY rowid DESC LIMIT 1")
        insertFile = try database.prepare(
            "INSERT OR REPLACE INTO file_versions "
                + "(device, inode, size, mtime_ns, path, outcome, content_key, rowid, ctime_ns, btime_ns) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        deleteFile = try database.prepare(
            "DELETE FROM file_versions WHERE device = ? AND inode = ? AND size = ? AND mtime_ns = ?")
        lastFileVersion = try database.prepare("SELECT coalesce(max(rowid), 0) FROM file_versions")
        // The identity index holds the identity and the row: reading it alone is a fraction of the table, and
        // a chunk starts where the last one ended.
        fileVersionsUpTo = try database.prepare(
            "SELECT rowid, device, inode, size, mtime_ns FROM file_versions "
                + "INDEXED BY file_versions_by_identity WHERE (device, inode, size, mtime_ns) > (?, ?, ?, ?) "
                + "ORDER BY device, inode, size, mtime_ns LIMIT ?")
        deleteFileVersion = try database.prepare("DELETE FROM file_versions WHERE rowid = ?")
    }
}
