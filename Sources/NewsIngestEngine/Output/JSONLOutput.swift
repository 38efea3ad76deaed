import Foundation
import NewsFormat
import NewsIngestSystem

/// How the writer makes a batch durable before it counts as committed.
public enum SyncPolicy: String, Sendable, CaseIterable {
    /// `fdatasync` after every batch, before the state commit (the default: exactly once across power loss).
    case batch
    /// Never: the kernel writes back when it likes (exactly once across process crashes only).
    case never
}

/// The JSONL output: complete lines appended in one `write` per batch, synced per ``SyncPolicy``.
///
/// Not thread-safe: the pipeline's writer owns it.
final class JSONLOutput {
    /// The path, or `-` for standard output.
    let path: String
    private let file: FileDescriptor
    private let sync: SyncPolicy
    /// Bytes in the file: where the next batch starts.
    private(set) var size: Int64
    /// The UTC day (days since 1970) the file was opened on, for daily rotation.
    let openedDay: Int64

    /// Opens (creating) the output for appending.
    init(path: String, sync: SyncPolicy) throws(SystemCallError) {
        self.path = path
        self.sync = path == "-" ? .never : sync
        self.openedDay = WallClock.nowMilliseconds() / 86_400_000
        if path == "-" {
            file = StandardStreams.output
            size = 0
        } else {
            file = try FileDescriptor(openingForWriting: path, append: true, create: true, alsoReading: true)
            size = Int64(try file.status().size)
        }
    }

    /// True for standard output, where nothing can be recovered or cut back.
    var isStandardOutput: Bool { path == "-" }

    /// Appends complete lines and syncs them per the policy.
    func append(_ bytes: [UInt8]) throws(SystemCallError) {
        guard !bytes.isEmpty else { return }
        try file.writeAll(bytes)
        size += Int64(bytes.count)
        if sync == .batch { try file.synchronizeData() }
    }

    /// Renames the file to a dated name beside it (`articles-20261125T090012Z.jsonl`), after syncing it.
    /// - Returns: the new name.
    func rename() throws(SystemCallError) -> String {
        try file.synchronizeData()
        let milliseconds = WallClock.nowMilliseconds()
        let stamp =
            Timestamp(millisecondsSince1970: milliseconds).rfc3339
            .filter { $0 != "-" && $0 != ":" }.prefix(15) + "Z"
        let base = path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path
        return try UnusedName.rename(path) { attempt in
            attempt == 1 ? "\(base)-\(stamp).jsonl" : "\(base)-\(stamp)-\(attempt).jsonl"
        }
    }

    /// Cuts the file back to `size` after a failed write, so no partial line stays in it (best effort: the
    /// write already failed, and the next start-up cuts a torn tail anyway).
    func cutBack(to size: Int64) {
        guard !isStandardOutput else { return }
        if (try? file.truncate(to: Int(size))) != nil { self.size = size }
    }

    /// What start-up found past the committed end of the output.
    struct Recovery {
        /// Complete lines written before a crash but never committed: their content id and source path.
        var lines: [(path: String?, id: String)] = []
        /// Bytes of a torn last line that were cut off.
        var cutBytes = 0
        /// Bytes past the committed end that were not records and were cut off with the torn tail.
        var unreadableLines = 0
    }

    /// Reads what lies beyond `committedOffset` (a crash between writing a batch and committing it leaves
    /// lines there, possibly a torn one): complete record lines are returned to be adopted, a torn tail is cut.
    func recover(committedOffset: Int64) throws -> Recovery {
        var recovery = Recovery()
        guard !isStandardOutput, size > committedOffset else { return recovery }
        let tail = try file.read(count: Int(size - committedOffset), at: Int(committedOffset))
        var lineStart = 0
        var end = 0
        for (index, byte) in tail.enumerated() where byte == 0x0A {
            let line = tail[lineStart..<index]
            if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let id = object["id"] as? String
            {
                let source = object["source"] as? [String: Any]
                recovery.lines.append((source?["path"] as? String, id))
            } else {
                recovery.unreadableLines += 1
            }
            lineStart = index + 1
            end = index + 1
        }
        if end < tail.count {
            recovery.cutBytes = tail.count - end
            try file.truncate(to: Int(committedOffset) + end)
            size = committedOffset + Int64(end)
            try file.synchronizeData()
        }
        return recovery
    }
}
