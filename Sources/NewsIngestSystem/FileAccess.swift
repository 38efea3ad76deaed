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

    /// Asks the kernel to start reading the first `length` bytes of the file at `path` into the page cache
    /// (`posix_fadvise(POSIX_FADV_WILLNEED)`) and returns at once: a worker that reads the file later finds it
    /// there instead of waiting for the disk, and many files are read from the disk at once rather than one
    /// per worker. Best effort: a path that cannot be opened is left to the reader to report. Opened without
    /// waiting (a FIFO with no writer) and without becoming the process's terminal (a tty).
    public static func prefetch(_ path: String, length: Int) {
        guard length > 0 else { return }
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY
        guard let descriptor = try? SystemCall.retrying("open", path, { path.withCString { open($0, flags) } })
        else { return }
        _ = posix_fadvise(descriptor, 0, off_t(length), POSIX_FADV_WILLNEED)
        close(descriptor)
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
