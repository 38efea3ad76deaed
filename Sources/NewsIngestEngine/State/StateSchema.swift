/// The state database's schema, and the steps that bring a state written by an earlier version to it: an
/// ordered list of named migrations, each a function of its own, run at every open. Each step looks at
/// `user_version` (or at the tables) and does nothing to a state it finds done, so a crash between two steps
/// leaves a state the next open finishes.
enum StateSchema {
    /// The `user_version` of a state brought to the current schema.
    static let currentVersion = 10

    /// One step, by the version it brings the state to and what it does.
    struct Migration {
        let version: Int
        let name: String
        let apply: @Sendable (SQLiteDatabase, _ today: Int64) throws(SQLiteError) -> Void
    }

    /// Every step, in order.
    static let migrations: [Migration] = [
        Migration(version: 2, name: "file versions and content keys replace files and contents") {
            database, _ throws(SQLiteError) in
            try migrateVersion1(database)
        },
        Migration(version: 2, name: "create the tables") { database, _ throws(SQLiteError) in
            try createTables(database)
        },
        Migration(version: 3, name: "contents and links keep the day they were last seen") {
            database, today throws(SQLiteError) in
            // Today for those remembered so far.
            let seenToday = "INTEGER NOT NULL DEFAULT \(today)"
            try upgrade(database, to: 3, adding: [("emitted_contents", "day", seenToday), ("links", "day", seenToday)])
        },
        Migration(version: 4, name: "a file version keeps the key of the content it holds") {
            database, _ throws(SQLiteError) in
            // `NULL` in the rows of earlier versions, and when contents are never forgotten.
            try upgrade(database, to: 4, adding: [("file_versions", "content_key", "TEXT")])
        },
        Migration(version: 5, name: "a file version keeps its inode's change time") { database, _ throws(SQLiteError) in
            try upgrade(database, to: 5, adding: [("file_versions", "ctime_ns", "INTEGER")])
        },
        Migration(version: 6, name: "a recovered line keeps its file's size and modification time") {
            database, _ throws(SQLiteError) in
            // So that the file is recognized at another path (`NULL` in the rows of earlier versions).
            try upgrade(
                database, to: 6, adding: [("recovered", "size", "INTEGER"), ("recovered", "modified_at", "TEXT")])
            try database.execute("CREATE INDEX IF NOT EXISTS recovered_by_id ON recovered (id)")
        },
        Migration(version: 7, name: "a file version keeps when its file was made") { database, _ throws(SQLiteError) in
            // With file contents recorded; `NULL` where that is unknown.
            try upgrade(database, to: 7, adding: [("file_versions", "btime_ns", "INTEGER")])
        },
        Migration(version: 8, name: "a recovered line keeps the file found at its path") {
            database, _ throws(SQLiteError) in
            // `NULL` where none was, or its birth time is unknown.
            try upgrade(
                database, to: 8,
                adding: [
                    ("recovered", "device", "INTEGER"), ("recovered", "inode", "INTEGER"),
                    ("recovered", "btime_ns", "INTEGER"),
                ])
        },
        Migration(version: 9, name: "a recovered line keeps the birth time its record gives") {
            database, _ throws(SQLiteError) in
            // `source.born_at`, to the millisecond, with the record's device and inode; `NULL` for records
            // that give none.
            try upgrade(database, to: 9, adding: [("recovered", "born_at", "TEXT")])
        },
        Migration(version: 10, name: "an output's committed end names its file") { database, _ throws(SQLiteError) in
            // So that start-up finds that file under another name (`NULL` in rows of earlier versions).
            try upgrade(database, to: 10, adding: [("outputs", "device", "INTEGER"), ("outputs", "inode", "INTEGER")])
        },
    ]

    /// Brings the state in `database` to the current schema.
    /// - Parameters:
    ///   - today: today's number in days since 1970, given to rows that gain the day they were last seen.
    ///   - indexingContents: add the index that finds the kept files holding a content (when contents are
    ///     forgotten).
    static func migrate(_ database: SQLiteDatabase, today: Int64, indexingContents: Bool) throws(SQLiteError) {
        for migration in migrations { try migration.apply(database, today) }
        if indexingContents {
            // Which kept files hold a content, asked only of contents past their days.
            try database.execute(
                "CREATE INDEX IF NOT EXISTS file_versions_by_content ON file_versions (content_key) "
                    + "WHERE content_key IS NOT NULL")
        }
    }

    /// The tables of file versions and emitted contents, as schema 2 has them.
    private static let fileAndContentTables = """
        CREATE TABLE IF NOT EXISTS file_versions (
            device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            path TEXT NOT NULL, outcome TEXT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS file_versions_by_identity ON file_versions (device, inode, size, mtime_ns);
        CREATE TABLE IF NOT EXISTS emitted_contents (key TEXT PRIMARY KEY) WITHOUT ROWID;
        """

    /// Makes the tables a new state lacks, as schema 2 has them; the later steps add their columns.
    private static func createTables(_ database: SQLiteDatabase) throws(SQLiteError) {
        try database.execute(
            """
            \(fileAndContentTables)
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
    }

    /// Brings a state written by the first version to schema 2 (`user_version` 2), in one transaction: version
    /// 1 kept each file version's content id in `files` (never read) and whole content ids in `contents`.
    private static func migrateVersion1(_ database: SQLiteDatabase) throws(SQLiteError) {
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
                \(fileAndContentTables)
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
}
