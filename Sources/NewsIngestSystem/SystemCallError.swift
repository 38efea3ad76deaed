#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call: which call, on what, and the `errno` it returned.
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The call (`open`, `read`, `fstat`).
    public var call: String
    /// What it was called on (a path), when there is one.
    public var subject: String?
    /// The `errno` value.
    public var errno: Int32

    /// Creates an error.
    public init(call: String, subject: String? = nil, errno: Int32) {
        self.call = call
        self.subject = subject
        self.errno = errno
    }

    /// True when a write found the reading end of a pipe closed (`| head`).
    public var isBrokenPipe: Bool { errno == EPIPE }

    /// True when a write would take a file past the largest size allowed (`EFBIG`: the process's
    /// `RLIMIT_FSIZE`, or the file system's own limit).
    public var isFileTooLarge: Bool { errno == EFBIG }

    /// True when the process may not do this to the file (`EACCES`, `EPERM`): its permissions, owner or
    /// access control list say no.
    public var isPermissionDenied: Bool { errno == EACCES || errno == EPERM }

    /// True when the file or directory does not exist (`ENOENT`).
    public var isFileMissing: Bool { errno == ENOENT }

    /// The system's message for the error (`No such file or directory`).
    public var message: String { String(cString: strerror(errno)) }

    public var description: String {
        if let subject { return "\(subject): \(call) failed: \(message) (errno \(errno))" }
        return "\(call) failed: \(message) (errno \(errno))"
    }
}
