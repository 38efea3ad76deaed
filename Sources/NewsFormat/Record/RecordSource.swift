/// Where an article came from, as records report it in `source`.
public enum RecordSource: Sendable, Equatable {
    /// A file on disk.
    case file(FileSource)
    /// Standard input (`newsingest parse -`).
    case standardInput(size: Int)
    /// A URL, fetched.
    case url(URLSourceInfo)
}

/// A URL an article was fetched from.
public struct URLSourceInfo: Sendable, Equatable {
    /// The URL asked for.
    public var url: String
    /// Where the body came from, after redirects.
    public var finalURL: String
    /// The HTTP status.
    public var status: Int
    /// The response's `ETag` and `Last-Modified`.
    public var etag: String?
    public var lastModified: String?
    /// When the response arrived.
    public var fetchedAt: Timestamp

    /// Describes a fetched URL.
    public init(url: String, finalURL: String, status: Int, etag: String?, lastModified: String?, fetchedAt: Timestamp)
    {
        self.url = url
        self.finalURL = finalURL
        self.status = status
        self.etag = etag
        self.lastModified = lastModified
        self.fetchedAt = fetchedAt
    }
}

/// A file an article was read from.
public struct FileSource: Sendable, Equatable {
    /// The path as given or found.
    public var path: String
    /// The last path component.
    public var name: String
    /// The sequence number from a `NNN_<16 hex>.txt` name.
    public var sequence: Int?
    /// The crawler's key (16 hex digits) from a `NNN_<16 hex>.txt` name.
    public var key: String?
    /// Size in bytes.
    public var size: Int
    /// Modification time.
    public var modifiedAt: Timestamp?
    /// The file's device and inode numbers, when it was read from a file system.
    public var device: UInt64?
    public var inode: UInt64?
    /// When the file was made (its birth time, to the millisecond), where the file system keeps it. With the
    /// device and inode, this tells the file apart from any other, whatever it was renamed to or its times
    /// set to, and from a later file on the same inode.
    public var bornAt: Timestamp?

    /// Describes a file; `sequence` and `key` are read off `path`'s last component.
    public init(
        path: String, size: Int, modifiedAt: Timestamp?, device: UInt64? = nil, inode: UInt64? = nil,
        bornAt: Timestamp? = nil
    ) {
        self.path = path
        let name = Self.lastComponent(of: path)
        self.name = name
        self.size = size
        self.modifiedAt = modifiedAt
        self.device = device
        self.inode = inode
        self.bornAt = bornAt
        if let parsed = Self.parseName(name) {
            self.sequence = parsed.sequence
            self.key = parsed.key
        }
    }

    /// What follows the last `/` that is not at the end (the whole path when there is none), found on bytes.
    public static func lastComponent(of path: String) -> String {
        let utf8 = path.utf8
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == UInt8(ascii: "/") {
            end = utf8.index(before: end)
        }
        guard end > utf8.startIndex else { return path }
        let start = utf8[..<end].lastIndex(of: UInt8(ascii: "/")).map { utf8.index(after: $0) } ?? utf8.startIndex
        return String(path[start..<end])
    }

    /// `NNN_HHHHHHHHHHHHHHHH.txt`: digits, underscore, 16 lowercase hex digits.
    static func parseName(_ name: String) -> (sequence: Int, key: String)? {
        let bytes = Array(name.utf8)
        guard bytes.count >= 1 + 1 + 16 + 4, bytes.suffix(4).elementsEqual(".txt".utf8) else { return nil }
        guard let underscore = bytes.firstIndex(of: UInt8(ascii: "_")), underscore > 0,
            underscore <= 18, bytes.count - underscore - 1 == 16 + 4
        else { return nil }
        let digits = bytes[..<underscore]
        let hex = bytes[(underscore + 1)..<(bytes.count - 4)]
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            hex.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }),
            let sequence = Int(String(decoding: digits, as: UTF8.self))
        else { return nil }
        return (sequence, String(decoding: hex, as: UTF8.self))
    }
}
