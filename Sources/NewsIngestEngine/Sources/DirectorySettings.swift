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

/// Which symbolic links in a watched directory are read (a link to a directory is never followed).
public enum SymbolicLinkPolicy: String, Sendable, CaseIterable {
    /// A link whose target lies inside a watched directory (the default): anyone who can write to a drop
    /// directory could otherwise have the daemon read and publish any file its user can read
    /// (`ln -s /etc/shadow in/a.txt`).
    case inside
    /// Any link to a file.
    case any
    /// No link: every one is reported and left alone.
    case never
}
