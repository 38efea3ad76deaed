import NewsIngestSystem

/// One version of one file: device, inode, size and modification time. An unchanged file keeps its identity
/// across restarts; a rewrite changes its size or time, and a new file on a reused inode its time.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedNanoseconds: Int64

    /// An identity from its parts.
    public init(device: UInt64, inode: UInt64, size: Int64, modifiedNanoseconds: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
    }

    /// The identity `stat` reports.
    public init(_ status: FileStatus) {
        device = status.device
        inode = status.inode
        size = Int64(status.size)
        modifiedNanoseconds = status.modifiedNanoseconds
    }
}
