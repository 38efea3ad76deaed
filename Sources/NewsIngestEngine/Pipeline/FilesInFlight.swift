/// The file versions submitted and not yet committed, and the files (device and inode) they are versions of.
///
/// A source asks before it submits: the same version twice would be read twice, and another version of a
/// file in flight (its times changed by a `touch` or an archive's extraction just after its close) is
/// better looked at once the one in flight is committed, since the worker may have read it as it is now,
/// and then it is done.
struct FilesInFlight {
    /// Whether a file is in flight, as ``status(of:)`` finds it.
    enum Status: Equatable {
        /// Neither this version nor another version of the file.
        case none
        /// This version.
        case thisVersion
        /// Another version of the same file (device and inode), and not this one.
        case anotherVersion
    }

    private struct File: Hashable {
        var device: UInt64
        var inode: UInt64

        init(_ identity: FileIdentity) {
            device = identity.device
            inode = identity.inode
        }
    }

    private var versions: Set<FileIdentity> = []
    /// How many versions of each file are in flight.
    private var files: [File: Int] = [:]

    func status(of identity: FileIdentity) -> Status {
        if versions.contains(identity) { return .thisVersion }
        return files[File(identity)] == nil ? .none : .anotherVersion
    }

    /// Adds a version; false when it was in flight already.
    mutating func insert(_ identity: FileIdentity) -> Bool {
        guard versions.insert(identity).inserted else { return false }
        files[File(identity), default: 0] += 1
        return true
    }

    /// Removes a version (committed, or given up).
    mutating func remove(_ identity: FileIdentity) {
        guard versions.remove(identity) != nil else { return }
        let file = File(identity)
        if let count = files[file], count > 1 { files[file] = count - 1 } else { files[file] = nil }
    }
}
