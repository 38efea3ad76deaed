#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes directories as `mkdir -p` does, failing with an error that names the path and the reason
/// (`/srv/out: mkdir failed: Permission denied (errno 13)`) rather than Foundation's description of an
/// `NSError`.
public enum DirectoryMaker {
    /// Makes the directory at `path` and those missing above it (mode 755, less the umask). A directory
    /// already there is left as it is.
    /// - Throws: ``SystemCallError`` of the `mkdir` that failed, naming its path: `ENOTDIR` when a file
    ///   stands where a directory should (at `path` or above it), `EACCES` when a parent may not be written.
    public static func make(_ path: String) throws(SystemCallError) {
        do {
            try makeOne(path)
        } catch let error where error.errno == ENOENT {
            guard let parent = parent(of: path) else { throw error }
            try make(parent)
            try makeOne(path)
        }
    }

    /// `mkdir` of `path`; one already there will do when it is a directory (or a link to one).
    private static func makeOne(_ path: String) throws(SystemCallError) {
        do {
            try SystemCall.retrying("mkdir", path) { mkdir(path, 0o755) }
        } catch let error where error.errno == EEXIST {
            guard (try? FileStatus(path: path))?.isDirectory == true else {
                throw SystemCallError(call: "mkdir", subject: path, errno: ENOTDIR)
            }
        }
    }

    /// `path` without its last component (and the slashes before it), or `nil` for `/`, `""` and a
    /// relative name of one component, which have no parent to make.
    public static func parent(of path: String) -> String? {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        var end = slash
        while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        guard end > 0 else { return nil }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
