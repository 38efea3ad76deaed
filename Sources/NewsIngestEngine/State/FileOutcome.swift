import NewsFormat

/// What became of one file version, committed together with its output.
public struct FileOutcome: Sendable {
    public enum Kind: String, Sendable {
        /// Its record was appended to the output.
        case emitted
        /// Its content was already emitted (`dedupe = "content"`), or its line was recovered from the output.
        case duplicate
        /// It could not be parsed; the error log has why.
        case failed
        /// It could not be read for want of permission; the error log has why. Taken again once a scan finds
        /// it readable (a `chmod` changes neither its size nor its modification time, by which the state finds
        /// it; its inode's change time, which does change, does not decide for this kind).
        case unreadable
    }

    public var identity: FileIdentity
    public var path: String
    public var contentID: String?
    public var kind: Kind
    /// When the file read was made (see ``FileStatus/bornNanoseconds``); kept with file contents.
    public var bornNanoseconds: Int64?

    public init(
        identity: FileIdentity, path: String, contentID: String?, kind: Kind, bornNanoseconds: Int64? = nil
    ) {
        self.identity = identity
        self.path = path
        self.contentID = contentID
        self.kind = kind
        self.bornNanoseconds = bornNanoseconds
    }
}
