import Foundation
import NewsIngestEngine
import NewsIngestSystem
import TestSupport
import Testing

/// The state store on a real SQLite file.
@Suite struct StateStoreTests {
    /// A state written by the first schema (whole content ids, and each file version's content id) is
    /// brought to the current one when opened: what was done stays done, what was emitted stays emitted.
    @Test func aStateOfTheFirstSchemaIsMigratedKeepingWhatItRemembers() throws {
        let temporary = try TemporaryDirectory()
        let article = temporary.path("article.txt")
        try Data("TPO - Một bài.\n".utf8).write(to: URL(fileURLWithPath: article))
        let identity = FileIdentity(try FileStatus(path: article))
        let emitted = String(repeating: "0123456789abcdef", count: 4)
        try StateFile.create(
            directory: temporary.url.path,
            executing: """
                PRAGMA journal_mode = WAL;
                CREATE TABLE files (
                    device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL,
                    mtime_ns INTEGER NOT NULL, path TEXT NOT NULL, content_id TEXT, outcome TEXT NOT NULL,
                    PRIMARY KEY (device, inode, size, mtime_ns)) WITHOUT ROWID;
                CREATE TABLE contents (id TEXT PRIMARY KEY) WITHOUT ROWID;
                CREATE TABLE outputs (path TEXT PRIMARY KEY, committed_offset INTEGER NOT NULL);
                INSERT INTO files VALUES (\(Int64(bitPattern: identity.device)), \(Int64(bitPattern: identity.inode)),
                    \(identity.size), \(identity.modifiedNanoseconds), '\(article)', '\(emitted)', 'emitted');
                INSERT INTO contents VALUES ('\(emitted)');
                INSERT INTO outputs VALUES ('/out/articles.jsonl', 4242);
                """)

        do {
            let state = try StateStore(directory: temporary.url.path)
            #expect(try state.outcome(of: identity) == .emitted)
            #expect(try state.hasEmitted(emitted))
            #expect(try !state.hasEmitted(String(repeating: "f", count: 64)))
            #expect(try state.committedOffset(ofOutput: "/out/articles.jsonl") == 4242)
        }
        let file = try StateFile(directory: temporary.url.path)
        #expect(try file.integer("PRAGMA user_version") == 2)
        #expect(try file.rowCount(of: "file_versions") == 1)
        #expect(try file.rowCount(of: "emitted_contents") == 1)
        #expect(try file.integer("SELECT count(*) FROM sqlite_master WHERE name IN ('files', 'contents')") == 0)
    }

    /// Content ids are remembered by their first 128 bits: enough to tell articles apart, at half the bytes.
    @Test func contentsAreRememberedByTheFirst128BitsOfTheirID() throws {
        let temporary = try TemporaryDirectory()
        let state = try StateStore(directory: temporary.url.path)
        let id = String(repeating: "0123456789abcdef", count: 4)
        try state.commit(
            [],
            urls: [
                URLOutcome(url: "http://a/1", etag: nil, lastModified: nil, contentID: id, kind: .emitted, index: nil)
            ],
            ends: [])
        #expect(try state.hasEmitted(id))
        #expect(try state.hasEmitted(String(id.prefix(32)) + String(repeating: "0", count: 32)))
        #expect(try !state.hasEmitted(String(repeating: "0", count: 32) + String(id.suffix(32))))
    }
}
