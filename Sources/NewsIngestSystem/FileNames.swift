#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Names in the file system: whether one is taken, renaming, and matching names against patterns.
public enum FileNames {
    /// True when something (a file, a directory, a symbolic link, even one pointing nowhere) has the name
    /// `path` (`lstat(2)`); false when nothing does. Any other failure (a directory that cannot be searched)
    /// counts as taken, so that a caller looking for a free name never writes over one it cannot see.
    public static func isTaken(_ path: String) -> Bool {
        var status = stat()
        do {
            try SystemCall.retrying("lstat", path) { lstat(path, &status) }
            return true
        } catch {
            return !error.isFileMissing
        }
    }

    /// True when `path` names a symbolic link itself (`lstat(2)`); false for anything else, or nothing.
    public static func isSymbolicLink(_ path: String) -> Bool {
        var status = stat()
        guard (try? SystemCall.retrying("lstat", path) { lstat(path, &status) }) != nil else { return false }
        return status.st_mode & S_IFMT == S_IFLNK
    }

    /// Renames `path` to `target` (`rename(2)`), replacing what `target` held.
    /// - Throws: ``SystemCallError`` naming `path`.
    public static func rename(_ path: String, to target: String) throws(SystemCallError) {
        try SystemCall.retrying("rename", path) {
            #if canImport(Glibc)
                Glibc.rename(path, target)
            #elseif canImport(Musl)
                Musl.rename(path, target)
            #else
                Darwin.rename(path, target)
            #endif
        }
    }

    /// Removes the name `path` (`unlink(2)`).
    /// - Throws: ``SystemCallError`` naming `path`.
    public static func remove(_ path: String) throws(SystemCallError) {
        try SystemCall.retrying("unlink", path) { unlink(path) }
    }

    /// True when `name` matches the shell pattern `pattern` as `fnmatch(3)` with no flags matches it; a
    /// pattern `fnmatch` cannot use (it reports an error) matches nothing.
    public static func matches(_ name: String, pattern: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
