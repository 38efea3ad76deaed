import Foundation
import NewsIngestEngine
import NewsIngestSystem
import Synchronization
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
            // A row of an earlier schema names no file: it may be the end of any.
            let end = try #require(try state.committedEnd(ofOutput: "/out/articles.jsonl"))
            #expect(end.offset == 4242 && end.file == nil && end.mayBe(device: 1, inode: 2))
            let named = OutputEnd(path: "/out/articles.jsonl", offset: 4300, file: (device: 7, inode: 9))
            try state.commit([], ends: [named])
            #expect(try state.committedEnd(ofOutput: "/out/articles.jsonl") == named)
            #expect(named.mayBe(device: 7, inode: 9) && !named.mayBe(device: 7, inode: 10))
        }
        let file = try StateFile(directory: temporary.url.path)
        #expect(try file.integer("PRAGMA user_version") == 10)
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

        // The last row (4) is gone; the next file does not get its number, which a full scan may still hold
        // as a suspect's (SQLite alone would give it 4 again).
        let next = FileIdentity(device: 9, inode: 4, size: 10, modifiedNanoseconds: 5)
        try state.commit([FileOutcome(identity: next, path: "/in/d", contentID: nil, kind: .emitted)], ends: [])
        #expect(try state.committedVersion(of: next)?.row == 5)
        #expect(try state.lastFileVersionRow() == 5)
    }

    /// A line recovered after a crash is recognized at its path, and, when its record gave its file's size
    /// and modification time, at another path for a file of that size and time: the file, or a directory
    /// above it, was renamed between the crash and its reading. When its record gave the file's device,
    /// inode and birth time, or the file was found when the line was adopted, as that file whatever its name
    /// and times.
    @Test func aRecoveredLineIsRecognizedAtItsPathOrAsItsFileRenamed() throws {
        let temporary = try TemporaryDirectory()
        let state = try StateStore(directory: temporary.url.path)
        let file = FileIdentity(device: 1, inode: 2, size: 300, modifiedNanoseconds: 1_764_237_600_090_500_000)
        #expect(try state.recoveredLines(for: "/in/day/a.txt", id: "x", file: file).isEmpty)
        try state.adoptRecoveredLines([
            AdoptedLine(path: "/in/day/a.txt", id: "x", file: (300, "2025-11-27T10:00:00.090Z")),
            AdoptedLine(path: "/in/old.txt", id: "y"),
            AdoptedLine(path: "https://example.com/1", id: "z"),
        ])
        let line = RecoveredLine(path: "/in/day/a.txt", id: "x")
        #expect(try state.recoveredLines(for: "/in/day/a.txt", id: "x", file: file) == [line])
        #expect(try state.recoveredLines(for: "/in/archived/a.txt", id: "x", file: file) == [line])
        // Another size, time or content is another file; without its size and time, a line is its path's.
        var larger = file
        larger.size += 1
        var later = file
        later.modifiedNanoseconds += 1_000_000
        #expect(try state.recoveredLines(for: "/in/archived/a.txt", id: "x", file: larger).isEmpty)
        #expect(try state.recoveredLines(for: "/in/archived/a.txt", id: "x", file: later).isEmpty)
        #expect(try state.recoveredLines(for: "/in/archived/a.txt", id: "w", file: file).isEmpty)
        #expect(try state.recoveredLines(for: "/in/new.txt", id: "y", file: file).isEmpty)
        #expect(
            try state.recoveredLines(for: "https://example.com/1", id: "z", file: nil)
                == [RecoveredLine(path: "https://example.com/1", id: "z")])
        // A line whose file was found at its path when adopted is that file's, at any path and time after.
        var adopted = AdoptedLine(path: "/in/b.txt", id: "v", file: (300, "2025-11-27T10:00:00.090Z"))
        adopted.found = (device: 1, inode: 2, bornNanoseconds: 100)
        try state.adoptRecoveredLines([adopted])
        #expect(
            try state.recoveredLines(for: "/in/renamed.txt", id: "v", file: later, bornNanoseconds: 100)
                == [RecoveredLine(path: "/in/b.txt", id: "v")])
        #expect(try state.recoveredLines(for: "/in/renamed.txt", id: "v", file: later, bornNanoseconds: 200).isEmpty)
        #expect(try state.recoveredLines(for: "/in/renamed.txt", id: "v", file: later).isEmpty)
        // A line whose record gives its file's device, inode and birth time (to the millisecond) is that file's,
        // renamed and touched before the restart too, when nothing was found at its path.
        let recorded = AdoptedLine(
            path: "/in/gone.txt", id: "u", file: (300, "2025-11-27T10:00:00.090Z"),
            recorded: (device: 1, inode: 2, bornAt: "2025-11-27T09:00:00.001Z"))
        try state.adoptRecoveredLines([recorded])
        let born: Int64 = 1_764_234_000_001_999_999
        #expect(
            try state.recoveredLines(for: "/in/new-name.txt", id: "u", file: later, bornNanoseconds: born)
                == [RecoveredLine(path: "/in/gone.txt", id: "u")])
        #expect(
            try state.recoveredLines(for: "/in/new-name.txt", id: "u", file: later, bornNanoseconds: born + 1)
                .isEmpty)
        var otherInode = later
        otherInode.inode += 1
        #expect(
            try state.recoveredLines(for: "/in/new-name.txt", id: "u", file: otherInode, bornNanoseconds: born)
                .isEmpty)
        // Consumed by the commit of the result it was recognized as.
        let outcome = FileOutcome(identity: file, path: "/in/archived/a.txt", contentID: "x", kind: .duplicate)
        try state.commit([outcome], ends: [], recognized: [line])
        #expect(try state.recoveredLines(for: "/in/archived/a.txt", id: "x", file: file).isEmpty)
        // Times before 1970 round down to the millisecond, as records write them.
        #expect(FileIdentity(device: 1, inode: 2, size: 0, modifiedNanoseconds: -1).modifiedMilliseconds == -1)
        #expect(
            FileIdentity(device: 1, inode: 2, size: 0, modifiedNanoseconds: -1_000_000).modifiedMilliseconds == -1)
        #expect(
            FileIdentity(device: 1, inode: 2, size: 0, modifiedNanoseconds: -1_000_001).modifiedMilliseconds == -2)
    }

    /// With file contents recorded (`dedupe = "none"`), the content of a file's last committed version tells
    /// a `touch` (same content) from a rewrite, and from a rewrite back to an earlier content; its birth time
    /// tells the same file renamed from another file on its inode.
    @Test func theLastVersionOfAFileTellsWhetherItsContentChanged() throws {
        let temporary = try TemporaryDirectory()
        let (first, second) = (String(repeating: "a", count: 64), String(repeating: "b", count: 64))
        func version(_ modified: Int64) -> FileIdentity {
            FileIdentity(device: 9, inode: 1, size: 10, modifiedNanoseconds: modified)
        }
        let state = try StateStore(directory: temporary.url.path, recordsFileContents: true)
        try state.commit([FileOutcome(identity: version(1), path: "/in/a", contentID: first, kind: .emitted)], ends: [])
        #expect(try state.isContent(first, ofTheLastVersionOf: version(2), at: "/in/a"))
        #expect(try !state.isContent(second, ofTheLastVersionOf: version(2), at: "/in/a"))
        // Another path to the same inode (a hard link) is another file.
        #expect(try !state.isContent(first, ofTheLastVersionOf: version(2), at: "/in/b"))
        try state.commit(
            [FileOutcome(identity: version(2), path: "/in/a", contentID: second, kind: .emitted)], ends: [])
        #expect(try !state.isContent(first, ofTheLastVersionOf: version(3), at: "/in/a"))
        #expect(try state.isContent(second, ofTheLastVersionOf: version(3), at: "/in/a"))

        // Where birth times are known, the file is the one made then, at whatever path: renamed, or linked, it
        // is the same file; made later on the inode of a deleted one, another, at the same path too.
        try state.commit(
            [
                FileOutcome(
                    identity: version(4), path: "/in/a", contentID: first, kind: .emitted, bornNanoseconds: 100)
            ], ends: [])
        #expect(try state.isContent(first, ofTheLastVersionOf: version(5), bornNanoseconds: 100, at: "/in/b/a"))
        #expect(try !state.isContent(second, ofTheLastVersionOf: version(5), bornNanoseconds: 100, at: "/in/b/a"))
        #expect(try !state.isContent(first, ofTheLastVersionOf: version(5), bornNanoseconds: 200, at: "/in/a"))
        // Not known for this version: the path decides.
        #expect(try state.isContent(first, ofTheLastVersionOf: version(5), at: "/in/a"))
        #expect(try !state.isContent(first, ofTheLastVersionOf: version(5), at: "/in/b/a"))

        // Without file contents recorded, nothing is known of them.
        let other = try TemporaryDirectory()
        let plain = try StateStore(directory: other.url.path)
        try plain.commit([FileOutcome(identity: version(1), path: "/in/a", contentID: first, kind: .emitted)], ends: [])
        #expect(try !plain.isContent(first, ofTheLastVersionOf: version(2), at: "/in/a"))
        try plain.commit(
            [
                FileOutcome(
                    identity: version(2), path: "/in/a", contentID: first, kind: .emitted, bornNanoseconds: 100)
            ], ends: [])
        #expect(try !plain.isContent(first, ofTheLastVersionOf: version(3), bornNanoseconds: 100, at: "/in/a"))
    }

    /// A version is found by its device, inode, size and time, with its inode's change time as committed, so
    /// that the caller can tell another file on the same inode from it; a row of schema 4 has none.
    @Test func aVersionKeepsItsInodesChangeTime() throws {
        let temporary = try TemporaryDirectory()
        let committed = FileIdentity(device: 9, inode: 1, size: 10, modifiedNanoseconds: 5, changedNanoseconds: 77)
        do {
            let state = try StateStore(directory: temporary.url.path)
            try state.commit(
                [FileOutcome(identity: committed, path: "/in/a", contentID: nil, kind: .emitted)], ends: [])
            var another = committed
            another.changedNanoseconds = 78
            #expect(try state.committedVersion(of: another)?.changedNanoseconds == 77)
        }
        // As a state written before schema 5 left it.
        try StateFile.create(
            directory: temporary.url.path,
            executing: "UPDATE file_versions SET ctime_ns = NULL; PRAGMA user_version = 4;")
        let state = try StateStore(directory: temporary.url.path)
        #expect(try state.committedVersion(of: committed)?.kind == .emitted)
        #expect(try state.committedVersion(of: committed)?.changedNanoseconds == nil)
    }

    /// Row numbers go on from the last row at the next start, so the rows a state holds stay in commit order.
    @Test func rowNumbersGoOnFromTheLastRowAfterARestart() throws {
        let temporary = try TemporaryDirectory()
        let identities = (1...3).map { FileIdentity(device: 9, inode: UInt64($0), size: 10, modifiedNanoseconds: 5) }
        do {
            let state = try StateStore(directory: temporary.url.path)
            try state.commit(
                identities.prefix(2).map { FileOutcome(identity: $0, path: "/in/a", contentID: nil, kind: .emitted) },
                ends: [])
        }
        let state = try StateStore(directory: temporary.url.path)
        try state.commit(
            [FileOutcome(identity: identities[2], path: "/in/c", contentID: nil, kind: .emitted)], ends: [])
        #expect(try identities.map { try state.committedVersion(of: $0)?.row } == [1, 2, 3])
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
                ends: [OutputEnd(path: "/out/articles.jsonl", offset: Int64(index))])
            // What the scan and the writer look up, each finding its row.
            #expect(try state.committedVersion(of: identity) != nil)
            #expect(try state.hasEmitted(id))
            #expect(try state.committedEnd(ofOutput: "/out/articles.jsonl")?.offset == Int64(index))
            #expect(try state.lastFileVersionRow() == Int64(index + 1))
        }
        let database = try FileManager.default.attributesOfItem(atPath: temporary.path("state.sqlite3"))[.size] as? Int
        let log = try FileManager.default.attributesOfItem(atPath: temporary.path("state.sqlite3-wal"))[.size] as? Int
        #expect((database ?? 0) > 64 << 10, "the log was never copied into the database")
        #expect((log ?? .max) < 16 << 20, "the log grew to \(log ?? 0) bytes")
    }

    /// A day of the test's own, set by hand.
    final class Calendar: Sendable {
        private let day = Atomic<Int64>(20_000)
        var today: Int64 {
            get { day.load(ordering: .relaxed) }
            set { day.store(newValue, ordering: .relaxed) }
        }
        var clock: @Sendable () -> Int64 { { self.today } }
    }

    /// A content id made of `index`.
    static func contentID(_ index: Int) -> String { String(repeating: String(format: "%04x", index), count: 16) }

    /// A file whose record had content `id`, emitted or found a duplicate.
    static func outcome(_ index: Int, _ id: String, _ kind: FileOutcome.Kind) -> FileOutcome {
        FileOutcome(
            identity: FileIdentity(device: 1, inode: UInt64(index), size: 10, modifiedNanoseconds: 5),
            path: "/in/\(index).txt", contentID: id, kind: kind)
    }

    /// With `forgetAfterDays`, a content counts as emitted for that many days after it was last seen (emitted,
    /// or found again as a duplicate); then it is no longer, and a pass forgets its row. Every chunk size
    /// forgets exactly the rows past their time.
    @Test(arguments: [1, 2, 7, 10_000])
    func contentsNotSeenForTheirDaysAreForgotten(chunk: Int) throws {
        let temporary = try TemporaryDirectory()
        let calendar = Calendar()
        let state = try StateStore(directory: temporary.url.path, forgetAfterDays: 30, today: calendar.clock)
        let ids = (0..<20).map(Self.contentID)
        // Each file is gone the day it is taken (deleted by whoever reads the output, say): no file holds its
        // content afterwards.
        try state.commit(ids.enumerated().map { Self.outcome($0, $1, .emitted) }, ends: [])
        try state.forgetFileVersions(rows: Array(1...Int64(ids.count)))
        // Day 20: the odd ones are found again, as duplicates of what was emitted.
        calendar.today += 20
        let again = ids.enumerated().filter { $0.offset % 2 == 1 }
        try state.commit(again.map { Self.outcome(100 + $0.offset, $0.element, .duplicate) }, ends: [])
        try state.forgetFileVersions(rows: Array(1...(try state.lastFileVersionRow())))
        calendar.today += 9  // day 29: everything is still remembered
        #expect(try ids.allSatisfy(state.hasEmitted))
        #expect(try state.forgetUnseen(chunk: chunk).contents == 0)

        calendar.today += 1  // day 30: the even ones, last seen on day 0, are forgotten
        for (index, id) in ids.enumerated() { #expect(try state.hasEmitted(id) == (index % 2 == 1), "\(index)") }
        #expect(try state.forgetUnseen(chunk: chunk).contents == 10)
        #expect(try state.forgetUnseen(chunk: chunk).contents == 0)
        #expect(try ids.enumerated().allSatisfy { try state.hasEmitted($0.element) == ($0.offset % 2 == 1) })

        calendar.today += 20  // day 50: the odd ones, last seen on day 20, go too
        #expect(try state.forgetUnseen(chunk: chunk).contents == 10)
        #expect(try !state.hasEmitted(ids[1]))
    }

    /// A content a kept file still holds, or a polled article URL (unchanged files are not read again, a URL
    /// answering `304` is not fetched again), counts as seen at each pass, so it is never forgotten while it
    /// is there; once the file is gone, it counts as seen that day, and is forgotten `forgetAfterDays` later.
    @Test(arguments: [1, 3, 10_000])
    func contentsStillHeldByFilesOrURLsStayRemembered(chunk: Int) throws {
        let temporary = try TemporaryDirectory()
        let calendar = Calendar()
        let state = try StateStore(directory: temporary.url.path, forgetAfterDays: 30, today: calendar.clock)
        let kept = Self.contentID(1)
        let polled = Self.contentID(2)
        let deletedLater = Self.contentID(3)
        let unheld = Self.contentID(4)
        try state.commit(
            [
                Self.outcome(1, kept, .emitted), Self.outcome(2, Self.contentID(5), .failed),
                Self.outcome(3, deletedLater, .emitted), Self.outcome(4, unheld, .emitted),
            ],
            urls: [
                URLOutcome(
                    url: "http://127.0.0.1/a.html", etag: "\"1\"", lastModified: nil, contentID: polled,
                    kind: .emitted, index: nil)
            ], ends: [])
        try state.forgetFileVersions(rows: [4])  // gone the same day
        calendar.today += 20
        try state.forgetFileVersions(rows: [3])  // gone on day 20
        calendar.today += 15  // day 35
        #expect(try state.forgetUnseen(chunk: chunk).contents == 1)
        #expect(try state.hasEmitted(kept) && state.hasEmitted(polled) && state.hasEmitted(deletedLater))
        #expect(try !state.hasEmitted(unheld))
        calendar.today += 15  // day 50: 30 days after its file went
        #expect(try state.forgetUnseen(chunk: chunk).contents == 1)
        #expect(try !state.hasEmitted(deletedLater))
        calendar.today += 1000
        #expect(try state.forgetUnseen(chunk: chunk).contents == 0)
        #expect(try state.hasEmitted(kept) && state.hasEmitted(polled))
    }

    /// An index link is taken for `forgetAfterDays` after the last poll that listed it (or its fetch): a link an
    /// index keeps listing is never fetched again, and one it stopped listing is forgotten.
    @Test func linksAreRememberedWhileTheirIndexKeepsListingThem() throws {
        let temporary = try TemporaryDirectory()
        let calendar = Calendar()
        let state = try StateStore(directory: temporary.url.path, forgetAfterDays: 30, today: calendar.clock)
        let index = "http://127.0.0.1/index.rss"
        let links = (0..<4).map { "http://127.0.0.1/a/\($0).html" }
        try state.markLinksTaken(Array(links[0..<2]), of: index)
        try state.commit(
            [],
            urls: [
                URLOutcome(
                    url: links[2], etag: nil, lastModified: nil, contentID: Self.contentID(2), kind: .emitted,
                    index: index)
            ],
            ends: [])
        #expect(try state.takenLinks(among: links) == Set(links[0..<3]))

        calendar.today += 25  // links 0 and 2 still listed
        #expect(try state.takenLinks(among: [links[0], links[2], links[3]]) == [links[0], links[2]])
        calendar.today += 10  // day 35: link 1, last listed on day 0, is forgotten
        #expect(try state.takenLinks(among: links) == [links[0], links[2]])
        #expect(try state.forgetUnseen(chunk: 1) == (contents: 1, links: 1))
        #expect(try state.forgetUnseen(chunk: 1) == (contents: 0, links: 0))
        calendar.today += 30
        #expect(try state.takenLinks(among: links).isEmpty)
        #expect(try state.forgetUnseen() == (contents: 0, links: 2))
    }

    /// With `forgetAfterDays = 0` (the default) nothing is ever forgotten.
    @Test func withoutDaysNothingIsForgotten() throws {
        let temporary = try TemporaryDirectory()
        let calendar = Calendar()
        let state = try StateStore(directory: temporary.url.path, today: calendar.clock)
        try state.commit([Self.outcome(0, Self.contentID(0), .emitted)], ends: [])
        try state.markLinksTaken(["http://127.0.0.1/a.html"], of: "http://127.0.0.1/")
        calendar.today += 36_500
        #expect(try state.hasEmitted(Self.contentID(0)))
        #expect(try state.takenLinks(among: ["http://127.0.0.1/a.html"]) == ["http://127.0.0.1/a.html"])
        #expect(try state.forgetUnseen() == (contents: 0, links: 0))
    }

    /// A state of schema 2 (contents and links without the day they were seen) is brought to schema 3: what it
    /// remembered counts as seen on the day of the migration.
    @Test func aStateOfSchemaTwoRemembersItsContentsAndLinksAsSeenToday() throws {
        let temporary = try TemporaryDirectory()
        let id = Self.contentID(7)
        try StateFile.create(
            directory: temporary.url.path,
            executing: """
                PRAGMA journal_mode = WAL;
                CREATE TABLE file_versions (
                    device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                    path TEXT NOT NULL, outcome TEXT NOT NULL);
                CREATE UNIQUE INDEX file_versions_by_identity ON file_versions (device, inode, size, mtime_ns);
                CREATE TABLE emitted_contents (key TEXT PRIMARY KEY) WITHOUT ROWID;
                CREATE TABLE links (index_url TEXT NOT NULL, link TEXT NOT NULL, PRIMARY KEY (index_url, link))
                    WITHOUT ROWID;
                CREATE INDEX links_by_link ON links (link);
                INSERT INTO emitted_contents VALUES ('\(id.prefix(32))');
                INSERT INTO links VALUES ('http://127.0.0.1/', 'http://127.0.0.1/a.html');
                PRAGMA user_version = 2;
                """)
        let calendar = Calendar()
        do {
            let state = try StateStore(directory: temporary.url.path, forgetAfterDays: 2, today: calendar.clock)
            #expect(try state.hasEmitted(id))
            #expect(try state.takenLinks(among: ["http://127.0.0.1/a.html"]).count == 1)
        }
        do {
            let file = try StateFile(directory: temporary.url.path)
            #expect(try file.integer("PRAGMA user_version") == 10)
            #expect(
                try file.integer("SELECT count(*) FROM pragma_table_info('file_versions') WHERE name = 'content_key'")
                    == 1)
            #expect(try file.integer("SELECT day FROM emitted_contents") == 20_000)
        }
        calendar.today += 2
        let state = try StateStore(directory: temporary.url.path, forgetAfterDays: 2, today: calendar.clock)
        #expect(try !state.hasEmitted(id))
        #expect(try state.forgetUnseen() == (contents: 1, links: 1))
    }
}
