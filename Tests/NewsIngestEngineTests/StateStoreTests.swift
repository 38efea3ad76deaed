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
            #expect(try state.committedVersion(of: identity)?.kind == .emitted)
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

    /// File versions are rows numbered in commit order; a version committed again gets a new row, and rows can
    /// be listed up to one and forgotten, on a real file.
    @Test func fileVersionRowsAreNumberedInCommitOrderAndCanBeForgotten() throws {
        let temporary = try TemporaryDirectory()
        let state = try StateStore(directory: temporary.url.path)
        #expect(try state.lastFileVersionRow() == 0)
        let identities = (1...3).map { FileIdentity(device: 9, inode: UInt64($0), size: 10, modifiedNanoseconds: 5) }
        for identity in identities {
            try state.commit([FileOutcome(identity: identity, path: "/in/a", contentID: nil, kind: .failed)], ends: [])
        }
        #expect(try state.lastFileVersionRow() == 3)
        #expect(try state.committedVersion(of: identities[1])?.row == 2)
        #expect(try state.committedVersion(of: identities[1])?.kind == .failed)
        try state.commit(
            [FileOutcome(identity: identities[0], path: "/in/a", contentID: nil, kind: .emitted)], ends: [])
        #expect(try state.committedVersion(of: identities[0])?.row == 4)

        for chunk in [1, 2, 10_000] {
            var listed: [(Int64, UInt64)] = []
            try state.forEachFileVersion(upTo: 3, chunk: chunk) { listed.append(($0, $1)) }
            #expect(listed.map(\.0).sorted() == [2, 3], "chunk \(chunk)")
            #expect(listed.allSatisfy { $0.1 == 9 })
        }

        try state.forgetFileVersions(rows: [2, 4])
        #expect(try state.committedVersion(of: identities[0]) == nil)
        #expect(try state.committedVersion(of: identities[1]) == nil)
        #expect(try state.committedVersion(of: identities[2])?.row == 3)
    }

    /// SQLite copies the write-ahead log into the database every thousand pages, then starts the log again,
    /// unless a read is left open: a lookup that found its row must let go of it, or the log grows with every
    /// commit for as long as the daemon runs (a gigabyte and more a day on a busy drop box).
    @Test func theWriteAheadLogIsCheckpointedWhileLookupsFindRows() throws {
        let temporary = try TemporaryDirectory()
        let state = try StateStore(directory: temporary.url.path)
        for index in 0..<1200 {
            let identity = FileIdentity(device: 1, inode: UInt64(index), size: 10, modifiedNanoseconds: 5)
            let id = String(repeating: String(format: "%04x", index), count: 16)
            try state.commit(
                [FileOutcome(identity: identity, path: "/in/\(index).txt", contentID: id, kind: .emitted)],
                ends: [("/out/articles.jsonl", Int64(index))])
            // What the scan and the writer look up, each finding its row.
            #expect(try state.committedVersion(of: identity) != nil)
            #expect(try state.hasEmitted(id))
            #expect(try state.committedOffset(ofOutput: "/out/articles.jsonl") == Int64(index))
            #expect(try state.lastFileVersionRow() == Int64(index + 1))
        }
        let database = try FileManager.default.attributesOfItem(atPath: temporary.path("state.sqlite3"))[.size] as? Int
        let log = try FileManager.default.attributesOfItem(atPath: temporary.path("state.sqlite3-wal"))[.size] as? Int
        #expect((database ?? 0) > 64 << 10, "the log was never copied into the database")
        #expect((log ?? .max) < 16 << 20, "the log grew to \(log ?? 0) bytes")
    }
}
