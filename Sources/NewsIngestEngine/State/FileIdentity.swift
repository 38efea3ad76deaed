import NewsFormat
import NewsIngestSystem

/// One version of one file: device, inode, size and modification time, and the time its inode last changed.
/// An unchanged file keeps its identity across restarts; a rewrite changes its size or time.
///
/// The state finds a committed version by the first four; the inode's change time (`ctime`, which no program
/// can set) tells the file committed from another that took its inode once it was deleted, with the same
/// size and the same time: the files of an archive share their times, and a file system hands a freed inode
/// out again at once. A `chmod`, a rename or a link changes it too.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedNanoseconds: Int64
    /// When the inode last changed (`st_ctim`); 0 when unknown.
    public var changedNanoseconds: Int64

    /// The modification time in whole milliseconds, rounded down, as records give it (`modified_at`).
    public var modifiedMilliseconds: Int64 {
        Timestamp(nanosecondsSince1970: modifiedNanoseconds).millisecondsSince1970
    }

    /// An identity from its parts.
    public init(device: UInt64, inode: UInt64, size: Int64, modifiedNanoseconds: Int64, changedNanoseconds: Int64 = 0) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.changedNanoseconds = changedNanoseconds
    }

    /// The identity `stat` reports.
    public init(_ status: FileStatus) {
        device = status.device
        inode = status.inode
        size = Int64(status.size)
        modifiedNanoseconds = status.modifiedNanoseconds
        changedNanoseconds = status.changedNanoseconds
    }
}
