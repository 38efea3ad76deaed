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
        /// The name, without the directory.
        public var name: String
        /// What `readdir` says the entry is; `unknown` on file systems that do not tell.
        public var kind: Kind
        /// The inode number `readdir` gives (files listed in this order are read in the order of their
        /// inodes on disk).
        public var inode: UInt64
        public enum Kind { case file, directory, other, unknown }
    }

    /// Opens `path` for listing.
    /// - Throws: ``SystemCallError`` (`ENOENT` when the directory is gone).
    public init(path: String) throws(SystemCallError) {
        guard let stream = opendir(path) else { throw SystemCallError(call: "opendir", subject: path, errno: errno) }
        self.stream = stream
        self.path = path
    }

    deinit { closedir(stream) }

    /// The next entry other than `.` and `..`, or `nil` at the end.
    public func next() -> Entry? {
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let kind: Entry.Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_UNKNOWN): kind = .unknown
            default: kind = .other
            }
            return Entry(name: name, kind: kind, inode: UInt64(entry.pointee.d_ino))
        }
        return nil
    }
}
