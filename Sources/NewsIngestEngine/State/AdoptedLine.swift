import Foundation
import NewsFormat

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

    /// The record a JSONL line (or a stream message) holds, by its `id` and `source`; `nil` when it is not a
    /// record.
    public init?(recordLine line: some Collection<UInt8>) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let id = object["id"] as? String
        else { return nil }
        let source = object["source"] as? [String: Any]
        var file: (size: Int, modifiedAt: String)?
        if let size = source?["size"] as? Int, let modifiedAt = source?["modified_at"] as? String {
            file = (size, modifiedAt)
        }
        var recorded: (device: UInt64, inode: UInt64, bornAt: String)?
        if let device = source?["device"] as? Int, let inode = source?["inode"] as? Int,
            let bornAt = source?["born_at"] as? String
        {
            recorded = (UInt64(bitPattern: Int64(device)), UInt64(bitPattern: Int64(inode)), bornAt)
        }
        self.init(
            path: (source?["path"] as? String) ?? (source?["url"] as? String), id: id, file: file, recorded: recorded)
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
