import Foundation
import NewsFormat
import NewsIngestSystem

/// The JSONL output: complete lines appended in one `write` per batch; the writer syncs it per its
/// ``SyncPolicy`` before committing.
///
/// Not thread-safe: the pipeline's writer owns it.
final class JSONLOutput {
    /// The path, or `-` for standard output.
    let path: String
    private let file: FileDescriptor
    /// Bytes in the file: where the next batch starts.
    private(set) var size: Int64
    /// True when bytes were appended since the last sync.
    private var hasUnsyncedBytes = false
    /// The UTC day (days since 1970) the file's lines belong to, for daily rotation: the day it was opened
    /// on, or, for a file that already holds lines, the day it was last written (a daemon restarted after
    /// midnight rotates yesterday's file at once, not a day late).
    let openedDay: Int64
    /// The device and inode of the file open here (zero for a stream).
    let opened: (device: UInt64, inode: UInt64)

    /// Where this file ends now, and which file it is: what a commit records.
    var end: OutputEnd { OutputEnd(path: path, offset: size, file: opened) }

    /// Opens (creating) the output for appending.
    init(path: String) throws(SystemCallError) {
        self.path = path
        let today = WallClock.nowMilliseconds() / 86_400_000
        if path == "-" {
            file = StandardStreams.output
            size = 0
            openedDay = today
            isStream = true
            opened = (0, 0)
        } else {
            file = try FileDescriptor(openingForWriting: path, append: true, create: true, alsoReading: true)
            let status = try file.status()
            isStream = !status.isRegularFile
            size = isStream ? 0 : Int64(status.size)
            openedDay = status.size > 0 ? min(today, status.modifiedMilliseconds / 86_400_000) : today
            opened = (status.device, status.inode)
        }
    }

    /// True for standard output, and for a path that is not a regular file (`/dev/null`, a named pipe): a
    /// stream, where nothing can be recovered, cut back, synced or rotated.
    let isStream: Bool

    /// What someone else did to the file open here.
    enum OutsideChange: String {
        /// Deleted: what is appended goes nowhere anyone can read.
        case removed
        /// Renamed away, nothing at ``JSONLOutput/path`` now (`logrotate` without `create` or `postrotate`).
        case moved
        /// Another file is at ``JSONLOutput/path`` now (`logrotate` with `create` but no `postrotate`).
        case replaced
        /// Shorter than what was appended (`logrotate`'s `copytruncate`).
        case truncated
    }

    /// Whether the file open here is still the one at ``path``, whole: `nil` when it is (and for standard
    /// output), else what happened to it. One `stat` of the path, checked before every batch; an `fstat` only
    /// when the path holds another file or none, to tell a deleted file from one moved away.
    func outsideChange() -> OutsideChange? {
        guard !isStream else { return nil }
        let atPath: FileStatus
        do {
            atPath = try FileStatus(path: path)
        } catch {
            guard error.isFileMissing else { return nil }
            return isRemoved ? .removed : .moved
        }
        guard atPath.device == opened.device, atPath.inode == opened.inode else {
            return isRemoved ? .removed : .replaced
        }
        return Int64(atPath.size) < size ? .truncated : nil
    }

    /// True when the file open here has no name left.
    private var isRemoved: Bool { (try? file.status())?.links == 0 }

    /// Appends complete lines in one write.
    func append(_ bytes: [UInt8]) throws(SystemCallError) {
        guard !bytes.isEmpty else { return }
        try file.writeAll(bytes)
        size += Int64(bytes.count)
        hasUnsyncedBytes = true
    }

    /// Makes what was appended durable (`fdatasync`); nothing to do when nothing was appended since, or for
    /// standard output.
    func synchronize() throws(SystemCallError) {
        guard hasUnsyncedBytes, !isStream else { return }
        try file.synchronizeData()
        hasUnsyncedBytes = false
    }

    /// Renames the file to a dated name beside it (`articles-20261125T090012Z.jsonl`), after syncing it.
    /// - Returns: the new name.
    func rename() throws(SystemCallError) -> String {
        try file.synchronizeData()
        hasUnsyncedBytes = false
        let milliseconds = WallClock.nowMilliseconds()
        let stamp =
            Timestamp(millisecondsSince1970: milliseconds).rfc3339
            .filter { $0 != "-" && $0 != ":" }.prefix(15) + "Z"
        return try UnusedName.rename(path) { attempt in
            Self.rotatedName(of: path, stamp: stamp + (attempt == 1 ? "" : "-\(attempt)"))
        }
    }

    /// The directory that holds the file at `path`, when it names one (`nil` for standard output, a name in the
    /// working directory, or a file at the root).
    static func directory(containing path: String) -> String? {
        path == "-" ? nil : DirectoryMaker.parent(of: path)
    }

    /// The path of the file `device` and `inode` in the directory of `path`, other than `path` itself: where
    /// `logrotate` (or a person) renamed the file once written at `path`; `nil` when it is not there (moved
    /// elsewhere, compressed, deleted).
    static func renamedFile(of path: String, device: UInt64, inode: UInt64) -> String? {
        let directory = directory(containing: path) ?? (path.hasPrefix("/") ? "/" : ".")
        guard let entries = try? DirectoryEntries(path: directory) else { return nil }
        let name = FileSource.lastComponent(of: path)
        while let entry = entries.next() {
            guard entry.inode == inode, entry.name != name, entry.undecodableName == nil,
                entry.kind == .file || entry.kind == .unknown,
                let status = try? entries.status(ofEntryNamed: entry.name),
                status.isRegularFile, status.device == device, status.inode == inode
            else { continue }
            return directory == "/" ? "/" + entry.name : directory + "/" + entry.name
        }
        return nil
    }

    /// The name `path` is rotated to with `stamp` (`articles-20261125T090012Z.jsonl` for `articles.jsonl`).
    static func rotatedName(of path: String, stamp: String) -> String {
        (path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path) + "-\(stamp).jsonl"
    }

    /// Cuts the file back to `size` after a failed write, so no partial line stays in it (best effort: the
    /// write already failed, and the next start-up cuts a torn tail anyway).
    func cutBack(to size: Int64) {
        guard !isStream else { return }
        if (try? file.truncate(to: Int(size))) != nil { self.size = size }
    }

    /// What start-up found past the committed end of the output.
    struct Recovery {
        /// Complete record lines written before a crash but never committed, now adopted.
        var adoptedLines = 0
        /// Bytes of a torn last line that were cut off.
        var cutBytes = 0
        /// Complete lines past the committed end that were not records (left as they are).
        var unreadableLines = 0
    }

    /// Reads what lies beyond `committedOffset` (a crash between writing a batch and committing it leaves
    /// lines there, possibly a torn one), a chunk at a time so that memory stays flat however much there is:
    /// complete record lines are handed to `adopt` (their source path or URL, content id, and a file's size,
    /// modification time, device, inode and birth time), and each to `keepLine` when given; a torn tail is cut.
    func recover(
        committedOffset: Int64,
        chunkBytes: Int = 1 << 20,
        keepLine: (([UInt8]) -> Void)? = nil,
        adopt: ([AdoptedLine]) throws -> Void
    ) throws -> Recovery {
        var recovery = Recovery()
        guard !isStream, size > committedOffset else { return recovery }
        // Start of the bytes not yet split into lines, and what of them was read.
        var lineStart = committedOffset
        var carried: [UInt8] = []
        while lineStart + Int64(carried.count) < size {
            let readAt = lineStart + Int64(carried.count)
            let chunk = try file.read(count: min(chunkBytes, Int(size - readAt)), at: Int(readAt))
            guard !chunk.isEmpty else { break }
            carried += chunk
            guard let lastLineEnd = carried.lastIndex(of: 0x0A) else { continue }
            var lines: [AdoptedLine] = []
            for line in carried[...lastLineEnd].split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
                if let adopted = AdoptedLine(recordLine: line) {
                    lines.append(adopted)
                    keepLine?(Array(line))
                } else {
                    recovery.unreadableLines += 1
                }
            }
            try adopt(lines)
            recovery.adoptedLines += lines.count
            lineStart += Int64(lastLineEnd + 1)
            carried.removeSubrange(...lastLineEnd)
        }
        if lineStart < size {
            recovery.cutBytes = Int(size - lineStart)
            try file.truncate(to: Int(lineStart))
            size = lineStart
            try file.synchronizeData()
        }
        return recovery
    }

    /// Cuts the file back to `committedOffset` when it is longer: what lies beyond was written for a batch
    /// that was never committed (the error log: those files are taken again and their errors logged again).
    /// - Returns: the bytes cut.
    func discardUncommitted(committedOffset: Int64) throws(SystemCallError) -> Int64 {
        guard !isStream, size > committedOffset else { return 0 }
        let cut = size - committedOffset
        try file.truncate(to: Int(committedOffset))
        size = committedOffset
        try file.synchronizeData()
        return cut
    }
}
