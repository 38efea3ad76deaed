/// One watched directory.
public struct DirectorySettings: Sendable, Equatable {
    /// The directory.
    public var path: String
    /// Whether subdirectories are watched too.
    public var recursive: Bool
    /// Glob patterns (`fnmatch`) a file name must match one of.
    public var include: [String]
    /// Glob patterns that exclude a file name; dot-files, `*.tmp`, `*.part` and `*.swp` are always excluded.
    public var exclude: [String]
    /// What happens to a file once committed.
    public var disposal: FileDisposal = .keep
    /// Which symbolic links to files are read (`follow_symlinks`).
    public var followSymlinks: SymbolicLinkPolicy = .inside

    /// Creates settings; by default `*.txt`, not recursive.
    public init(path: String, recursive: Bool = false, include: [String] = ["*.txt"], exclude: [String] = []) {
        self.path = path
        self.recursive = recursive
        self.include = include
        self.exclude = exclude
    }

    /// Names never taken: partial downloads, editor swap files, hidden files.
    static let alwaysExcluded = [".*", "*.tmp", "*.part", "*.swp"]
}
