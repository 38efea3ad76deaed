import CSQLite
import NewsFormat
import NewsIngestSystem
import Synchronization

/// What became of one file version, committed together with its output.
public struct FileOutcome: Sendable {
    public enum Kind: String, Sendable {
        /// Its record was appended to the output.
        case emitted
        /// Its content was already emitted (`dedupe = "content"`), or its line was recovered from the output.
        case duplicate
        /// It could not be parsed; the error log has why.
        case failed
        /// It could not be read for want of permission; the error log has why. Taken again once a scan finds
        /// it readable (a `chmod` changes neither its size nor its modification time, by which the state finds
        /// it; its inode's change time, which does change, does not decide for this kind).
        case unreadable
    }

    public var identity: FileIdentity
    public var path: String
    public var contentID: String?
    public var kind: Kind
    /// When the file read was made (see ``FileStatus/bornNanoseconds``); kept with file contents.
    public var bornNanoseconds: Int64?

    public init(
        identity: FileIdentity, path: String, contentID: String?, kind: Kind, bornNanoseconds: Int64? = nil
    ) {
        self.identity = identity
        self.path = path
        self.contentID = contentID
        self.kind = kind
        self.bornNanoseconds = bornNanoseconds
    }
}

/// A record line found in the output past its committed end, written before a crash and never committed.
public struct AdoptedLine: Sendable {
    /// The record's source path, or URL.
    public var path: String?
    public var id: String
    /// For a file's record, the file's size and modification time as the record gives them (`source.size`,
    /// `source.modified_at`).
    public var file: (size: Int, modifiedAt: String)?
    /// The file's device, inode and birth time as the record gives them (`source.device`, `source.inode`,
    /// `source.born_at`): they stay the file's own whatever it is renamed to or its times set to, before the
    /// restart too. Records of files whose file system keeps no birth times, and of earlier versions, give none.
    public var recorded: (device: UInt64, inode: UInt64, bornAt: String)?
    /// For a record that gives none of those: the file found at `path` when the line was adopted, with that
    /// size and time, and its device, inode and birth time.
    public var found: (device: UInt64, inode: UInt64, bornNanoseconds: Int64)?

    public init(
        path: String?, id: String, file: (size: Int, modifiedAt: String)? = nil,
        recorded: (device: UInt64, inode: UInt64, bornAt: String)? = nil
    ) {
        self.path = path
        self.id = id
        self.file = file
        self.recorded = recorded
    }
}

/// A line of the output recovered after a crash, by the path (or URL) and content id of its record.
public struct RecoveredLine: Hashable, Sendable {
    public var path: String
    public var id: String

    public init(path: String, id: String) {
        self.path = path
        self.id = id
    }
}

/// What became of one fetch of a URL, committed together with its output.
public struct URLOutcome: Sendable {
    /// The URL, as configured or found in an index.
    public var url: String
    /// Validators for the next conditional request (kept from before when the response had none).
    public var etag: String?
    public var lastModified: String?
    public var contentID: String?
    public var kind: FileOutcome.Kind
    /// The index the URL was found in: the link counts as taken once this is committed.
    public var index: String?

    public init(
        url: String, etag: String?, lastModified: String?, contentID: String?, kind: FileOutcome.Kind,
        index: String?
    ) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.contentID = contentID
        self.kind = kind
        self.index = index
    }
}

/// The crash-safe memory of the daemon: which file versions are done, which contents were emitted, and how
/// far the output is committed. SQLite in WAL mode with `synchronous = FULL`: a commit is durable when it
/// returns, and a kill at any moment leaves either the whole batch or none of it.
///
/// A file version's row is kept while the file may still be found where it was; the row of a file moved
/// or deleted after its commit goes with a later commit, and with `after = "keep"` the row of a file someone
/// else removed goes once two full scans miss it (``GoneFileSweep``). So the state grows with the distinct
/// contents emitted (one short row each) and the files present, not with every file ever taken. With
/// `forgetAfterDays`, contents and index links not seen for that many days are forgotten too
/// (``forgetUnseen(chunk:)``), so the state stops growing.
///
/// What a commit writes is mostly whole pages of the database, and keys that are random (content ids;
/// device and inode as a directory lists them) put each row on a page of its own. So rows are kept short:
/// a content by 128 bits of its id, a file version's row (with its path, for whoever reads the file) appended
/// in commit order, with only its identity in the index a lookup reads.
///
/// One connection behind a mutex: the sources ask, the writer commits. The daemon is the database's only
/// user, so it holds the file's lock for as long as it runs (`locking_mode = EXCLUSIVE`): no lock and
/// unlock system calls around every lookup, no shared-memory index, and a second daemon pointed at the same
/// state directory fails at start instead of sharing it.
public final class StateStore: Sendable {
    private let database: Mutex<Connection>
    /// Days a content or an index link is remembered after the last day it was seen; 0: for ever.
    public let forgetAfterDays: Int
    /// True when a file version's row keeps the key of the content it holds: for contents that are forgotten
    /// (a kept file holds its content), and for ``isContent(_:ofTheLastVersionOf:at:)``.
    private let recordsFileContents: Bool
    /// Today's number, in days since 1970 (UTC): what a content or a link is stamped with when seen.
    private let today: @Sendable () -> Int64

    /// The connection and its prepared statements.
    private struct Connection: ~Copyable {
        let database: SQLiteDatabase
        let outcome: SQLiteStatement
        let hasEmitted: SQLiteStatement
        let isHeld: SQLiteStatement
        let isLastContentOfFile: SQLiteStatement
        let lastVersionOfInode: SQLiteStatement
        let insertFile: SQLiteStatement
        let deleteFile: SQLiteStatement
        let insertContent: SQLiteStatement
        let outputOffset: SQLiteStatement
        let setOutputOffset: SQLiteStatement
        let insertRecovered: SQLiteStatement
        let recoveredLines: SQLiteStatement
        let deleteRecovered: SQLiteStatement
        let validators: SQLiteStatement
        let setURL: SQLiteStatement
        let lastSeenLink: SQLiteStatement
        let refreshLink: SQLiteStatement
        let insertLink: SQLiteStatement
        let lastFileVersion: SQLiteStatement
        let fileVersionsUpTo: SQLiteStatement
        let deleteFileVersion: SQLiteStatement
        /// False when the `recovered` table is known to be empty: most runs never adopt a line, and then no
        /// result needs a look there.
        var mayHoldRecovered: Bool
        /// The row the next file version gets. Rows are numbered here, not by SQLite, which hands out the
        /// number of a deleted last row again: ``GoneFileSweep`` tells files apart by their rows, so a number
        /// must never name two files while the daemon runs. (Its suspects do not outlive the process, so a
        /// number reused after a restart names nothing it remembers.)
        var nextFileVersionRow: Int64
    }

    /// Opens or creates `state.sqlite3` in `directory` (which must exist).
    /// - Parameters:
    ///   - forgetAfterDays: days a content or an index link is remembered after the last day it was seen
    ///     (emitted, found again as a duplicate, listed again); 0 remembers them for ever.
    ///   - recordsFileContents: keep the content of each file version (``isContent(_:ofTheLastVersionOf:at:)``),
    ///     as `dedupe = "none"` needs; kept anyway when contents are forgotten.
    ///   - today: today's number in days since 1970 (UTC); the system's clock unless a test sets it.
    /// - Throws: ``SQLiteError`` naming the file.
    public init(
        directory: String, forgetAfterDays: Int = 0, recordsFileContents: Bool = false,
        today: @escaping @Sendable () -> Int64 = StateStore.currentDay
    ) throws(SQLiteError) {
        self.forgetAfterDays = max(0, forgetAfterDays)
        self.recordsFileContents = recordsFileContents || forgetAfterDays > 0
        self.today = today
        let database = try SQLiteDatabase(path: directory + "/state.sqlite3")
        do {
            // The lock is taken here and kept (exclusive mode keeps what a transaction took). When another
            // process holds it, this waits for the busy timeout, then fails: say why.
            try database.execute("PRAGMA locking_mode = EXCLUSIVE; BEGIN IMMEDIATE; COMMIT;")
        } catch let error where error.code == SQLITE_BUSY {
            throw SQLiteError(
                operation: "lock", path: database.path, code: error.code,
                message: "locked by another process (is another newsingest using this state directory?)")
        }
        try database.execute(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA cache_size = -8192;
            PRAGMA journal_size_limit = 16777216;
            """
        )
        try Self.migrate(database)
        try database.execute(
            """
            \(Self.fileAndContentTables)
            CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, committed_offset INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS recovered (path TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (path, id))
                WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS urls (
                url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, content_id TEXT, outcome TEXT NOT NULL)
                WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS links (index_url TEXT NOT NULL, link TEXT NOT NULL,
                PRIMARY KEY (index_url, link)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS links_by_link ON links (link);
            """
        )
        // Schema 3: contents and index links get the day they were last seen, today for those remembered so far.
        let seenToday = "INTEGER NOT NULL DEFAULT \(today())"
        try Self.upgrade(
            database, to: 3, adding: [("emitted_contents", "day", seenToday), ("links", "day", seenToday)])
        // Schema 4: a file version keeps the key of the content it holds (`NULL` in the rows of earlier versions,
        // and when contents are never forgotten).
        try Self.upgrade(database, to: 4, adding: [("file_versions", "content_key", "TEXT")])
        // Schema 5: a file version keeps its inode's change time (`NULL` in the rows of earlier versions).
        try Self.upgrade(database, to: 5, adding: [("file_versions", "ctime_ns", "INTEGER")])
        // Schema 6: a recovered line of a file's record keeps the file's size and modification time, so that the
        // file is recognized at another path (`NULL` in the rows of earlier versions, which are not).
        try Self.upgrade(
            database, to: 6, adding: [("recovered", "size", "INTEGER"), ("recovered", "modified_at", "TEXT")])
        try database.execute("CREATE INDEX IF NOT EXISTS recovered_by_id ON recovered (id)")
        // Schema 7: with file contents recorded, a file version keeps when its file was made (`NULL` where that
        // is unknown, and in the rows of earlier versions).
        try Self.upgrade(database, to: 7, adding: [("file_versions", "btime_ns", "INTEGER")])
        // Schema 8: a recovered line keeps the file found at its path when it was adopted (`NULL` where none
        // was, or its birth time is unknown).
        try Self.upgrade(
            database, to: 8,
            adding: [
                ("recovered", "device", "INTEGER"), ("recovered", "inode", "INTEGER"),
                ("recovered", "btime_ns", "INTEGER"),
            ])
        // Schema 9: a recovered line keeps the birth time its record gives (`source.born_at`, to the
        // millisecond), with the record's device and inode; `NULL` for records that give none.
        try Self.upgrade(database, to: 9, adding: [("recovered", "born_at", "TEXT")])
        // Schema 10: an output's committed end names the file it is the end of (`NULL` in rows of earlier
        // versions), so that start-up finds that file under another name.
        try Self.upgrade(
            database, to: 10, adding: [("outputs", "device", "INTEGER"), ("outputs", "inode", "INTEGER")])
        if self.forgetAfterDays > 0 {
            // Which kept files hold a content, asked only of contents past their days.
            try database.execute(
                "CREATE INDEX IF NOT EXISTS file_versions_by_content ON file_versions (content_key) "
                    + "WHERE content_key IS NOT NULL")
        }
        let countRecovered = try database.prepare("SELECT EXISTS (SELECT 1 FROM recovered)")
        let mayHoldRecovered = try countRecovered.step() && countRecovered.integer(at: 0) != 0
        while try countRecovered.step() {}
        let lastFileVersion = try database.prepare("SELECT coalesce(max(rowid), 0) FROM file_versions")
        let lastRow = try lastFileVersion.step() ? lastFileVersion.integer(at: 0) : 0
        lastFileVersion.reset()
        self.database = Mutex(
            Connection(
                database: database,
                outcome: try database.prepare(
                    "SELECT outcome, rowid, ctime_ns FROM file_versions "
                        + "WHERE device = ? AND inode = ? AND size = ? AND mtime_ns = ?"
                ),
                hasEmitted: try database.prepare("SELECT day FROM emitted_contents WHERE key = ?"),
                isHeld: try database.prepare("SELECT 1 WHERE " + Self.isHeld("?1")),
                // Read through the identity index, by its device and inode; the last committed first.
                isLastContentOfFile: try database.prepare(
                    "SELECT content_key IS ?4 FROM file_versions WHERE device = ?1 AND inode = ?2 AND path = ?3 "
                        + "ORDER BY rowid DESC LIMIT 1"),
                lastVersionOfInode: try database.prepare(
                    "SELECT content_key IS ?3, btime_ns FROM file_versions WHERE device = ?1 AND inode = ?2 "
                        + "ORDER BY rowid DESC LIMIT 1"),
                insertFile: try database.prepare(
                    "INSERT OR REPLACE INTO file_versions "
                        + "(device, inode, size, mtime_ns, path, outcome, content_key, rowid, ctime_ns, btime_ns) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                deleteFile: try database.prepare(
                    "DELETE FROM file_versions WHERE device = ? AND inode = ? AND size = ? AND mtime_ns = ?"),
                insertContent: try database.prepare(
                    "INSERT INTO emitted_contents (key, day) VALUES (?, ?) "
                        + "ON CONFLICT (key) DO UPDATE SET day = excluded.day WHERE day < excluded.day"),
                outputOffset: try database.prepare(
                    "SELECT committed_offset, device, inode FROM outputs WHERE path = ?"),
                setOutputOffset: try database.prepare(
                    "INSERT OR REPLACE INTO outputs (path, committed_offset, device, inode) VALUES (?, ?, ?, ?)"
                ),
                insertRecovered: try database.prepare(
                    "INSERT OR IGNORE INTO recovered (path, id, size, modified_at, device, inode, btime_ns, born_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                // Parameters a result without a file (a URL's) leaves `NULL` match nothing but its path.
                recoveredLines: try database.prepare(
                    "SELECT path FROM recovered WHERE id = ?1 AND (path = ?2 OR (size = ?3 AND modified_at = ?4) "
                        + "OR (device = ?5 AND inode = ?6 AND (btime_ns = ?7 OR born_at = ?8))) ORDER BY path != ?2"),
                deleteRecovered: try database.prepare("DELETE FROM recovered WHERE path = ? AND id = ?"),
                validators: try database.prepare("SELECT etag, last_modified FROM urls WHERE url = ?"),
                setURL: try database.prepare(
                    "INSERT OR REPLACE INTO urls (url, etag, last_modified, content_id, outcome) VALUES (?, ?, ?, ?, ?)"
                ),
                lastSeenLink: try database.prepare("SELECT max(day) FROM links WHERE link = ?"),
                refreshLink: try database.prepare("UPDATE links SET day = ? WHERE link = ? AND day < ?"),
                insertLink: try database.prepare(
                    "INSERT INTO links (index_url, link, day) VALUES (?, ?, ?) "
                        + "ON CONFLICT (index_url, link) DO UPDATE SET day = excluded.day WHERE day < excluded.day"),
                lastFileVersion: lastFileVersion,
                // The identity index holds the identity and the row: reading it alone is a fraction of the
                // table, and a chunk starts where the last one ended.
                fileVersionsUpTo: try database.prepare(
                    "SELECT rowid, device, inode, size, mtime_ns FROM file_versions "
                        + "INDEXED BY file_versions_by_identity WHERE (device, inode, size, mtime_ns) > (?, ?, ?, ?) "
                        + "ORDER BY device, inode, size, mtime_ns LIMIT ?"),
                deleteFileVersion: try database.prepare("DELETE FROM file_versions WHERE rowid = ?"),
                mayHoldRecovered: mayHoldRecovered,
                nextFileVersionRow: lastRow + 1
            )
        )
    }

    /// What to do when the state database cannot be read (damaged, or not a database at all); `nil` for any
    /// other error. Moving it aside loses nothing of the output: a start without a state adopts the lines of
    /// the output as written before a crash.
    public static func damageAdvice(for error: SQLiteError) -> String? {
        switch error.code & 0xFF {
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return "the state database is damaged: move state.sqlite3 and state.sqlite3-wal out of the state "
                + "directory and start again; the daemon then adopts the lines of the current output, so their "
                + "files are not emitted again, and takes again only files whose lines are in rotated outputs "
                + "or that failed"
        default:
            return nil
        }
    }

    /// Today's number in days since 1970 (UTC), by the system's clock.
    public static func currentDay() -> Int64 { WallClock.nowMilliseconds() / 86_400_000 }

    /// The first day whose contents and links are still remembered today.
    private var firstDayRemembered: Int64 {
        forgetAfterDays == 0 ? .min : today() - Int64(forgetAfterDays) + 1
    }

    /// How a content id is remembered: its first 32 hex digits, 128 bits of its SHA-256. Two different
    /// articles share them with a probability of about n² / 2¹²⁹ (n articles: 10⁻²⁶ for a billion), and the
    /// rows are half as long, so a commit rewrites half as many pages: content ids are random keys, and each
    /// one emitted dirties a page of its own.
    static func key(ofContent id: String) -> SQLiteValue { .text(String(decoding: id.utf8.prefix(32), as: UTF8.self)) }

    /// The tables of file versions and emitted contents, as schema 2 has them.
    private static let fileAndContentTables = """
        CREATE TABLE IF NOT EXISTS file_versions (
            device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            path TEXT NOT NULL, outcome TEXT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS file_versions_by_identity ON file_versions (device, inode, size, mtime_ns);
        CREATE TABLE IF NOT EXISTS emitted_contents (key TEXT PRIMARY KEY) WITHOUT ROWID;
        """

    /// Brings a state written by an earlier version to the current schema (`user_version` 2), in one
    /// transaction: version 1 kept each file version's content id in `files` (never read) and whole content
    /// ids in `contents`.
    private static func migrate(_ database: SQLiteDatabase) throws(SQLiteError) {
        let version = try database.prepare("PRAGMA user_version")
        let isCurrent = try version.step() && version.integer(at: 0) >= 2
        while try version.step() {}
        let hasVersion1 = try database.prepare(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('files', 'contents')")
        let isVersion1 = try hasVersion1.step()
        while try hasVersion1.step() {}
        guard !isCurrent, isVersion1 else { return }
        try database.execute("BEGIN IMMEDIATE")
        do {
            try database.execute(
                """
                \(Self.fileAndContentTables)
                CREATE TABLE IF NOT EXISTS files (device INTEGER, inode INTEGER, size INTEGER, mtime_ns INTEGER,
                    path TEXT, content_id TEXT, outcome TEXT);
                CREATE TABLE IF NOT EXISTS contents (id TEXT);
                INSERT OR REPLACE INTO file_versions
                    SELECT device, inode, size, mtime_ns, path, outcome FROM files ORDER BY device, inode, size, mtime_ns;
                INSERT OR IGNORE INTO emitted_contents SELECT substr(id, 1, 32) FROM contents ORDER BY 1;
                DROP TABLE files;
                DROP TABLE contents;
                PRAGMA user_version = 2;
                COMMIT;
                """
            )
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Brings a state to schema `version` (`user_version`) by adding the `columns` it lacks, in one
    /// transaction; a state at that version or later is left as it is.
    private static func upgrade(
        _ database: SQLiteDatabase, to version: Int, adding columns: [(table: String, name: String, type: String)]
    ) throws(SQLiteError) {
        let current = try database.prepare("PRAGMA user_version")
        let isCurrent = try current.step() && current.integer(at: 0) >= version
        while try current.step() {}
        guard !isCurrent else { return }
        try database.execute("BEGIN IMMEDIATE")
        do {
            for column in columns {
                let hasColumn = try database.prepare(
                    "SELECT 1 FROM pragma_table_info('\(column.table)') WHERE name = '\(column.name)'")
                let isDone = try hasColumn.step()
                while try hasColumn.step() {}
                if !isDone {
                    try database.execute("ALTER TABLE \(column.table) ADD COLUMN \(column.name) \(column.type)")
                }
            }
            try database.execute("PRAGMA user_version = \(version); COMMIT;")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    private static func key(_ identity: FileIdentity) -> [SQLiteValue] {
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
            let statement = connection.outcome
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
            try connection.lastFileVersion.bind([])
            defer { connection.lastFileVersion.reset() }
            return try connection.lastFileVersion.step() ? connection.lastFileVersion.integer(at: 0) : 0
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
                let statement = connection.fileVersionsUpTo
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
                    try connection.deleteFileVersion.run([.integer(row)])
                }
            }
        }
    }

    /// True when a record with this content id was emitted before (and, with ``forgetAfterDays``, seen within
    /// that many days, or still held by a kept file or a polled URL).
    public func hasEmitted(_ contentID: String) throws(SQLiteError) -> Bool {
        let firstDay = firstDayRemembered
        let key = Self.key(ofContent: contentID)
        return try database.withLock { connection throws(SQLiteError) in
            try connection.hasEmitted.bind([key])
            defer { connection.hasEmitted.reset() }
            guard try connection.hasEmitted.step() else { return false }
            if connection.hasEmitted.integer(at: 0) >= firstDay { return true }
            // Past its days, yet still held by a kept file or a polled URL (neither read again while
            // unchanged): it is there, so it counts as seen.
            try connection.isHeld.bind([key])
            defer { connection.isHeld.reset() }
            return try connection.isHeld.step()
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
                let last = connection.lastVersionOfInode
                try last.bind(inode + [content])
                defer { last.reset() }
                if try last.step(), !last.isNull(at: 1) {
                    return last.integer(at: 1) == bornNanoseconds && last.integer(at: 0) == 1
                }
            }
            let statement = connection.isLastContentOfFile
            try statement.bind(inode + [.text(path), content])
            defer { statement.reset() }
            return try statement.step() && statement.integer(at: 0) == 1
        }
    }

    /// The SQL condition that the content key `key` (an SQL expression) is held by a kept file or by a polled
    /// article URL.
    private static func isHeld(_ key: String) -> String {
        "(EXISTS (SELECT 1 FROM file_versions WHERE content_key = \(key)) "
            + "OR EXISTS (SELECT 1 FROM urls WHERE substr(content_id, 1, 32) = \(key) AND outcome != 'failed'))"
    }

    /// Copies the write-ahead log into the database and empties it, on a clean stop: the next start reads
    /// the database alone. (A stop without it loses nothing: the next start reads the log.)
    public func checkpoint() throws(SQLiteError) {
        try database.withLock { connection throws(SQLiteError) in
            try connection.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Where the committed part of the output at `path` ends, and in which file, or `nil` when it was never
    /// written.
    public func committedEnd(ofOutput path: String) throws(SQLiteError) -> OutputEnd? {
        try database.withLock { connection throws(SQLiteError) in
            let statement = connection.outputOffset
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

    /// Commits a batch: the outcomes of its files, the content ids it emitted (or found again: they are seen
    /// today), and the new ends of the files it appended to (the output and the error log). The rows of
    /// `forgetting` go first: files moved or deleted after an earlier commit, which no scan can find again.
    /// (Their contents stay remembered.)
    /// `recognized`: recovered lines (``recoveredLines(for:id:file:bornNanoseconds:)``) that results of the
    /// batch turned out to be;
    /// they are consumed with the outcomes that say so.
    public func commit(
        _ outcomes: [FileOutcome], urls: [URLOutcome] = [], ends: [OutputEnd],
        forgetting departed: [FileIdentity] = [], recognized: [RecoveredLine] = []
    ) throws {
        let day = SQLiteValue.integer(today())
        try database.withLock { connection in
            try connection.database.transaction {
                for identity in departed { try connection.deleteFile.run(Self.key(identity)) }
                for line in recognized { try connection.deleteRecovered.run([.text(line.path), .text(line.id)]) }
                for outcome in urls {
                    // An index's link is fetched once, never asked again: its row in `links` is all it needs.
                    // Validators are kept for the URLs polled (articles and indexes).
                    if outcome.index == nil {
                        try connection.setURL.run([
                            .text(outcome.url), outcome.etag.map(SQLiteValue.text) ?? .null,
                            outcome.lastModified.map(SQLiteValue.text) ?? .null,
                            outcome.contentID.map(SQLiteValue.text) ?? .null, .text(outcome.kind.rawValue),
                        ])
                    }
                    if outcome.kind != .failed, let id = outcome.contentID {
                        try connection.insertContent.run([Self.key(ofContent: id), day])
                    }
                    if let index = outcome.index {
                        try connection.insertLink.run([.text(index), .text(outcome.url), day])
                    }
                }
                for outcome in outcomes {
                    // The content a kept file holds, so that a content stays remembered while a file holding
                    // it is there, and a file whose times change without its content is known (kept only when
                    // one of them is asked).
                    let contentKey =
                        recordsFileContents && outcome.kind != .failed
                        ? outcome.contentID.map(Self.key(ofContent:)) ?? .null : .null
                    try connection.insertFile.run(
                        Self.key(outcome.identity) + [
                            .text(outcome.path), .text(outcome.kind.rawValue), contentKey,
                            .integer(connection.nextFileVersionRow), .integer(outcome.identity.changedNanoseconds),
                            recordsFileContents ? outcome.bornNanoseconds.map(SQLiteValue.integer) ?? .null : .null,
                        ])
                    // A commit that fails after this leaves a gap in the numbers, which is harmless.
                    connection.nextFileVersionRow += 1
                    if outcome.kind != .failed, let id = outcome.contentID {
                        try connection.insertContent.run([Self.key(ofContent: id), day])
                    }
                }
                for end in ends {
                    try connection.setOutputOffset.run([
                        .text(end.path), .integer(end.offset),
                        end.file.map { .integer(Int64(bitPattern: $0.device)) } ?? .null,
                        end.file.map { .integer(Int64(bitPattern: $0.inode)) } ?? .null,
                    ])
                }
            }
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
                    try connection.insertContent.run([Self.key(ofContent: line.id), day])
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
                    try connection.insertRecovered.run(
                        [
                            .text(path), .text(line.id), line.file.map { .integer(Int64($0.size)) } ?? .null,
                            line.file.map { .text($0.modifiedAt) } ?? .null,
                        ] + found)
                }
            }
            if lines.contains(where: { $0.path != nil }) { connection.mayHoldRecovered = true }
        }
    }

    /// The validators of the last committed fetch of `url` (`nil` when it was never fetched).
    public func validators(of url: String) throws(SQLiteError) -> (etag: String?, lastModified: String?)? {
        try database.withLock { connection throws(SQLiteError) in
            try connection.validators.bind([.text(url)])
            defer { connection.validators.reset() }
            guard try connection.validators.step() else { return nil }
            return (connection.validators.text(at: 0), connection.validators.text(at: 1))
        }
    }

    /// The links of `listed` (an index's, as polled today) that were taken through any index (fetched and
    /// committed, or listed when its index was first seen with `start_at = "now"`): an article listed by two
    /// indexes is fetched once. Those taken are seen today, in one transaction, so that a link an index keeps
    /// listing is not forgotten (``forgetAfterDays``) and fetched again; a state that cannot be written does
    /// not keep this from answering.
    public func takenLinks(among listed: [String]) throws -> Set<String> {
        let day = today()
        let firstDay = firstDayRemembered
        return try database.withLock { connection in
            var taken = Set<String>()
            var seenBefore: [String] = []
            for link in listed {
                try connection.lastSeenLink.bind([.text(link)])
                defer { connection.lastSeenLink.reset() }
                // `max` of no row is one row holding NULL: never taken.
                guard try connection.lastSeenLink.step(), !connection.lastSeenLink.isNull(at: 0) else { continue }
                let lastSeen = connection.lastSeenLink.integer(at: 0)
                guard lastSeen >= firstDay else { continue }
                taken.insert(link)
                if lastSeen < day { seenBefore.append(link) }
            }
            guard !seenBefore.isEmpty else { return taken }
            // Best effort: a state that cannot be written (its disk full) still says which links are taken, so
            // that an index is not fetched whole again at every poll. A link not refreshed today is
            // refreshed at a later poll.
            _ = try? connection.database.transaction {
                for link in seenBefore {
                    try connection.refreshLink.run([.integer(day), .text(link), .integer(day)])
                }
            }
            return taken
        }
    }

    /// Marks links of `index` as taken without fetching them (`start_at = "now"`).
    public func markLinksTaken(_ links: [String], of index: String) throws {
        let day = SQLiteValue.integer(today())
        try database.withLock { connection in
            try connection.database.transaction {
                for link in links { try connection.insertLink.run([.text(index), .text(link), day]) }
            }
        }
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
    private func forgetInChunks(
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
            let statement = connection.recoveredLines
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
