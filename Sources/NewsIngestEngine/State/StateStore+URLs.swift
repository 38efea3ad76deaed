import CSQLite
import NewsFormat
import NewsIngestSystem

/// What URL sources keep: each polled URL's validators and outcome, and the links taken from indexes.
extension StateStore {
    /// The validators of the last committed fetch of `url` (`nil` when it was never fetched).
    public func validators(of url: String) throws(SQLiteError) -> (etag: String?, lastModified: String?)? {
        try database.withLock { connection throws(SQLiteError) in
            try connection.links.validators.bind([.text(url)])
            defer { connection.links.validators.reset() }
            guard try connection.links.validators.step() else { return nil }
            return (connection.links.validators.text(at: 0), connection.links.validators.text(at: 1))
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
                try connection.links.lastSeenLink.bind([.text(link)])
                defer { connection.links.lastSeenLink.reset() }
                // `max` of no row is one row holding NULL: never taken.
                guard try connection.links.lastSeenLink.step(), !connection.links.lastSeenLink.isNull(at: 0) else {
                    continue
                }
                let lastSeen = connection.links.lastSeenLink.integer(at: 0)
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
                    try connection.links.refreshLink.run([.integer(day), .text(link), .integer(day)])
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
                for link in links { try connection.links.insertLink.run([.text(index), .text(link), day]) }
            }
        }
    }
}

/// The prepared statements of the URLs' and links' tables.
struct LinkStatements {
    let validators: SQLiteStatement
    let setURL: SQLiteStatement
    let lastSeenLink: SQLiteStatement
    let refreshLink: SQLiteStatement
    let insertLink: SQLiteStatement

    init(_ database: SQLiteDatabase) throws(SQLiteError) {
        validators = try database.prepare("SELECT etag, last_modified FROM urls WHERE url = ?")
        setURL = try database.prepare(
            "INSERT OR REPLACE INTO urls (url, etag, last_modified, content_id, outcome) VALUES (?, ?, ?, ?, ?)")
        lastSeenLink = try database.prepare("SELECT max(day) FROM links WHERE link = ?")
        refreshLink = try database.prepare("UPDATE links SET day = ? WHERE link = ? AND day < ?")
        insertLink = try database.prepare(
            "INSERT INTO links (index_url, link, day) VALUES (?, ?, ?) "
                + "ON CONFLICT (index_url, link) DO UPDATE SET day = excluded.day WHERE day < excluded.day")
    }
}
