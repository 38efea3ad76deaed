/// Two watched directories that would take the same files: one directory configured twice, or one that lies
/// under another watched recursively (not through a hidden subdirectory, which scans do not enter). Each of
/// their files would be taken under the settings of whichever saw it first: its globs, its `after`.
public struct DirectoryOverlap: Sendable, CustomStringConvertible {
    /// The position of the later directory in ``DaemonSettings/directories``, and its path as configured.
    public var index: Int
    public var path: String
    /// The earlier directory it overlaps, and its path as configured.
    public var otherIndex: Int
    public var otherPath: String
    /// True for the same directory twice; false for one under the other (which is recursive).
    public var isSame: Bool

    public var description: String {
        isSame
            ? "is the same directory as \(otherPath), watched already; watch it once"
            : "lies under \(otherPath), which is watched recursively: its files would be taken twice over, "
                + "under two settings; watch one of them, or make \(otherPath) not recursive"
    }
}

extension DaemonSettings {
    /// The first pair of watched directories that overlap (see ``DirectoryOverlap``), with relative paths
    /// taken from `workingDirectory`; `nil` when there is none. Paths are compared with the symbolic links of
    /// their existing part resolved, so two names of one directory through a link are found.
    ///
    /// Linear in the number of directories (times their depth): each is looked up among the others by its
    /// own path and its parents', not compared with every other.
    public func directoryOverlap(workingDirectory: String) -> DirectoryOverlap? {
        let roots = directories.map { LexicalPath($0.path, in: workingDirectory).resolvingLinks().components }
        // For each path: the first directory configured there, and the first that is recursive.
        var first: [[String]: Int] = [:]
        var firstRecursive: [[String]: Int] = [:]
        for (index, root) in roots.enumerated() {
            if first[root] == nil { first[root] = index }
            if directories[index].recursive, firstRecursive[root] == nil { firstRecursive[root] = index }
        }
        for (index, root) in roots.enumerated() {
            // The earliest directory that takes this one's files: the same path configured before it, or a
            // recursive one above it with no hidden directory between (scans do not enter those).
            var overlapping: (other: Int, isSame: Bool)?
            if let same = first[root], same < index { overlapping = (same, true) }
            var hiddenBelow = false
            for count in stride(from: root.count - 1, through: 0, by: -1) {
                if root[count].hasPrefix(".") { hiddenBelow = true }
                if hiddenBelow { break }
                guard let above = firstRecursive[Array(root[..<count])] else { continue }
                if above < (overlapping?.other ?? .max) { overlapping = (above, false) }
            }
            guard let overlapping else { continue }
            return DirectoryOverlap(
                index: index, path: directories[index].path, otherIndex: overlapping.other,
                otherPath: directories[overlapping.other].path, isSame: overlapping.isSame)
        }
        return nil
    }
}
