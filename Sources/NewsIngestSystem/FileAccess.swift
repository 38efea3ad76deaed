#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What this process may do with a file, by its permissions, without opening it.
public enum FileAccess {
    /// True when the process may read the file at `path` (`faccessat(2)` with its effective user and group).
    public static func isReadable(_ path: String) -> Bool {
        (try? SystemCall.retrying("faccessat", path) { faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) }) != nil
    }

    /// The absolute path of the existing `path` with every symbolic link, `.` and `..` resolved
    /// (`realpath(3)`); `nil` when some part of it does not exist or cannot be searched.
    public static func realPath(_ path: String) -> String? {
        while true {
            if let resolved = realpath(path, nil) {
                defer { free(resolved) }
                return String(cString: resolved)
            }
            guard errno == EINTR else { return nil }
        }
    }
}
