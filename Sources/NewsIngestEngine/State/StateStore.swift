import CSQLite
import NewsFormat
import NewsIngestSystem
import Synchronization

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
    let database: Mutex<Connection>
    /// Days a content or an index link is remembered after the last day it was seen; 0: for ever.
    public let forgetAfterDays: Int
    /// True when a file version's row keeps the key of the content it holds: for contents that are forgotten
    /// (a kept file holds its content), and for ``isContent(_:ofTheLastVersionOf:at:)``.
    let recordsFileContents: Bool
    /// Today's number, in days since 1970 (UTC): what a content or a link is stamped with when seen.
    let today: @Sendable () -> Int64
    /// The database file's path, and its device and inode as opened: the lock lives in that file, so the
    /// file must stay the one at the path (``displacement()``).
    let path: String
    private let opened: (device: UInt64, inode: UInt64)

    /// The connection and its prepared statements, by table family.
    struct Connection: ~Copyable {
        let database: SQLiteDatabase
        let fileVersions: FileVersionStatements
        let contents: ContentStatements
        let outputs: OutputStatements
        let links: LinkStatements
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
        let path = directory + "/state.sqlite3"
        let database = try SQLiteDatabase(path: path)
        try Self.lock(database)
        self.path = path
        do {
            let status = try FileStatus(path: path)
            opened = (status.device, status.inode)
        } catch {
            throw SQLiteError(operation: "stat", path: path, code: SQLITE_CANTOPEN, message: "\(error)")
        }
        try database.execute(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA cache_size = -8192;
            PRAGMA journal_size_limit = 16777216;
            """
        )
        try StateSchema.migrate(database, today: today(), indexingContents: self.forgetAfterDays > 0)
        let countRecovered = try database.prepare("SELECT EXISTS (SELECT 1 FROM recovered)")
        let mayHoldRecovered = try countRecovered.step() && countRecovered.integer(at: 0) != 0
        while try countRecovered.step() {}
        let fileVersions = try FileVersionStatements(database)
        let lastRow = try fileVersions.lastFileVersion.step() ? fileVersions.lastFileVersion.integer(at: 0) : 0
        fileVersions.lastFileVersion.reset()
        self.database = Mutex(
            Connection(
                database: database, fileVersions: fileVersions, contents: try ContentStatements(database),
                outputs: try OutputStatements(database), links: try LinkStatements(database),
                mayHoldRecovered: mayHoldRecovered, nextFileVersionRow: lastRow + 1))
    }

    /// Takes the database's lock and keeps it (exclusive mode keeps what a transaction took). When another
    /// process holds it, this waits for the busy timeout, then fails: say why.
    private static func lock(_ database: SQLiteDatabase) throws(SQLiteError) {
        do {
            try database.execute("PRAGMA locking_mode = EXCLUSIVE; BEGIN IMMEDIATE; COMMIT;")
        } catch let error where error.code == SQLITE_BUSY {
            throw SQLiteError(
                operation: "lock", path: database.path, code: error.code,
                message: "locked by another process (is another newsingest using this state directory?)")
        }
    }

    /// What happened to the database file since it was opened, or `nil` when it is still the one at its
    /// path. Its lock is in the file: once the file (or its directory) is removed or replaced, a second daemon
    /// started on the same paths would create a new database, take its lock and write the same output. One
    /// `stat`; a path that cannot be looked at for another reason (a permission taken away) is not taken for a
    /// displacement.
    public func displacement() -> String? {
        do {
            let status = try FileStatus(path: path)
            guard status.device == opened.device, status.inode == opened.inode else {
                return "\(path) was replaced by another file"
            }
            return nil
        } catch {
            return error.isFileMissing ? "\(path) was removed (its directory with it, or alone)" : nil
        }
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
    var firstDayRemembered: Int64 {
        forgetAfterDays == 0 ? .min : today() - Int64(forgetAfterDays) + 1
    }

    /// How a content id is remembered: its first 32 hex digits, 128 bits of its SHA-256. Two different
    /// articles share them with a probability of about n² / 2¹²⁹ (n articles: 10⁻²⁶ for a billion), and the
    /// rows are half as long, so a commit rewrites half as many pages: content ids are random keys, and each
    /// one emitted dirties a page of its own.
    static func key(ofContent id: String) -> SQLiteValue { .text(String(decoding: id.utf8.prefix(32), as: UTF8.self)) }

    /// Copies the write-ahead log into the database and empties it, on a clean stop: the next start reads
    /// the database alone. (A stop without it loses nothing: the next start reads the log.)
    public func checkpoint() throws(SQLiteError) {
        try database.withLock { connection throws(SQLiteError) in
            try connection.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
