#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Streams the names in a directory with `readdir`, one at a time, so a directory of a million files is never
/// held in memory at once.
public final class DirectoryEntries {
    private let stream: OpaquePointer
    /// The directory.
    public let path: String

    /// One directory entry.
    public struct Entry {
        /// The name, without the directory (escaped, see ``FileNameBytes/escaped(_:)``, when it is not UTF-8).
        public var name: String
        /// The name's bytes when they are not UTF-8: ``name`` then names no file, and only
        /// ``DirectoryEntries/status(ofEntryNamed:)`` reaches it.
        public var undecodableName: [UInt8]?
        /// What `readdir` says the entry is; `unknown` on file systems that do not tell.
        public var kind: Kind
        /// The inode number `readdir` gives (files listed in this order are read in the order of their
        /// inodes on disk).
        public var inode: UInt64
        public enum Kind { case file, directory, symbolicLink, other, unknown }
    }

    /// Opens `path` for listing.
    /// - Throws: ``SystemCallError`` (`ENOENT` when the directory is gone).
    public init(path: String) throws(SystemCallError) {
        guard let stream = opendir(path) else { throw SystemCallError(call: "opendir", subject: path, errno: errno) }
        self.stream = stream
        self.path = path
    }

    deinit { closedir(stream) }

    /// `fstatat(2)` of the entry named `bytes` in this directory (following symbolic links): how a file whose
    /// name is not UTF-8 is reached.
    /// - Throws: ``SystemCallError`` (`ENOENT` when it is gone).
    public func status(ofEntryNamed bytes: [UInt8]) throws(SystemCallError) -> FileStatus {
        var info = stat()
        let directory = dirfd(stream)
        try SystemCall.retrying("fstatat", path + "/" + FileNameBytes.escaped(bytes)) {
            (bytes + [0]).withUnsafeBufferPointer { name in
                name.withMemoryRebound(to: CChar.self) { fstatat(directory, $0.baseAddress!, &info, 0) }
            }
        }
        return FileStatus(info)
    }

    /// `fstatat(2)` of the entry `name` in this directory (following symbolic links): one name looked up,
    /// where `stat` of its path walks every directory above it again.
    /// - Throws: ``SystemCallError`` naming the entry's path (`ENOENT` when it is gone).
    public func status(ofEntryNamed name: String) throws(SystemCallError) -> FileStatus {
        var info = stat()
        let directory = dirfd(stream)
        // The path is made only for an error: a scan asks this of every file it lists.
        let result = name.withCString { fstatat(directory, $0, &info, 0) }
        if result == -1 {
            try SystemCall.retrying("fstatat", path + "/" + name) {
                name.withCString { fstatat(directory, $0, &info, 0) }
            }
        }
        return FileStatus(info)
    }

    /// `fstat(2)` of the directory itself.
    public func status() throws(SystemCallError) -> FileStatus {
        var info = stat()
        let directory = dirfd(stream)
        try SystemCall.retrying("fstat", path) { fstat(directory, &info) }
        return FileStatus(info)
    }

    /// Why the listing ended before its end, when `readdir` failed (an I/O error, a directory gone stale on a
    /// network file system); `nil` while the listing goes on and after it ended well.
    public private(set) var failure: SystemCallError?

    /// The next entry other than `.` and `..`, or `nil` at the end (or on a failure: see ``failure``).
    public func next() -> Entry? {
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { failure = SystemCallError(call: "readdir", subject: path, errno: errno) }
                return nil
            }
            let bytes = withUnsafeBytes(of: &entry.pointee.d_name) { name in Array(name.prefix { $0 != 0 }) }
            let text = FileNameBytes.text(bytes)
            let name = text ?? FileNameBytes.escaped(bytes)
            if name == "." || name == ".." { continue }
            let kind: Entry.Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symbolicLink
            case Int32(DT_UNKNOWN): kind = .unknown
            default: kind = .other
            }
            return Entry(
                name: name, undecodableName: text == nil ? bytes : nil, kind: kind, inode: UInt64(entry.pointee.d_ino))
        }
    }
}
