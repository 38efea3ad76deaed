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
