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
    public func directoryOverlap(workingDirectory: String) -> DirectoryOverlap? {
        let roots = directories.map { LexicalPath($0.path, in: workingDirectory).resolvingLinks() }
        for index in roots.indices {
            for other in roots.indices where other != index {
                let isSame = roots[index] == roots[other]
                guard isSame ? other < index : Self.descends(from: roots[other], to: roots[index], directories[other])
                else { continue }
                return DirectoryOverlap(
                    index: index, path: directories[index].path, otherIndex: other, otherPath: directories[other].path,
                    isSame: isSame)
            }
        }
        return nil
    }

    /// True when scans of the directory at `root` (configured as `directory`) go down to `location`.
    private static func descends(from root: LexicalPath, to location: LexicalPath, _ directory: DirectorySettings)
        -> Bool
    {
        guard directory.recursive, location.lies(under: root) else { return false }
        return !location.components.dropFirst(root.components.count).contains { $0.hasPrefix(".") }
    }
}
