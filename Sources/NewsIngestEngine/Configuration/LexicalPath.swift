import NewsIngestSystem

/// A path made absolute and with `.`, `..` and repeated slashes resolved by its text alone (no symbolic link is
/// followed: the paths compared may not exist yet); ``resolvingLinks()`` resolves those of its existing part.
struct LexicalPath: Equatable {
    let components: [String]

    private init(components: [String]) { self.components = components }

    init(_ path: String, in workingDirectory: String) {
        let full = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        var components: [String] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(part))
            }
        }
        self.components = components
    }

    /// This path with the symbolic links of its longest existing leading part resolved (`realpath(3)`), and
    /// the rest, which does not exist yet, kept as text: so two names of one directory through a symbolic link
    /// compare equal.
    func resolvingLinks() -> LexicalPath {
        for count in stride(from: components.count, through: 1, by: -1) {
            guard let real = FileAccess.realPath("/" + components.prefix(count).joined(separator: "/")) else {
                continue
            }
            let resolved = real.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            return LexicalPath(components: resolved + components.dropFirst(count))
        }
        return self
    }

    /// True when this path lies somewhere below `directory`.
    func lies(under directory: LexicalPath) -> Bool {
        components.count > directory.components.count
            && components.prefix(directory.components.count).elementsEqual(directory.components)
    }
}
