/// Where the committed part of a file the daemon appends to (the output, the error log) ends, and which file
/// that was: a start-up after a crash finds the file by it when `logrotate` renamed it meanwhile.
public struct OutputEnd: Sendable, Equatable {
    /// The path the file is written at.
    public var path: String
    /// Bytes committed: every line before is committed, every line after was written by a batch a crash cut
    /// short.
    public var offset: Int64
    /// The device and inode of the file at `path` when it was committed (`nil` in rows of schema 9 or
    /// earlier).
    public var file: (device: UInt64, inode: UInt64)?

    public init(path: String, offset: Int64, file: (device: UInt64, inode: UInt64)? = nil) {
        self.path = path
        self.offset = offset
        self.file = file
    }

    /// True when this end may be the end of the file `device` and `inode`: it is that file, or its row does
    /// not say which file it was.
    public func mayBe(device: UInt64, inode: UInt64) -> Bool {
        guard let file else { return true }
        return file.device == device && file.inode == inode
    }

    public static func == (lhs: OutputEnd, rhs: OutputEnd) -> Bool {
        lhs.path == rhs.path && lhs.offset == rhs.offset && lhs.file?.device == rhs.file?.device
            && lhs.file?.inode == rhs.file?.inode
    }
}
