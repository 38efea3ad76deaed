/// A path made absolute and with `.`, `..` and repeated slashes resolved by its text alone (no symbolic link is
/// followed: the paths compared may not exist yet).
struct LexicalPath: Equatable {
    let components: [String]

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

    /// True when this path lies somewhere below `directory`.
    func lies(under directory: LexicalPath) -> Bool {
        components.count > directory.components.count
            && components.prefix(directory.components.count).elementsEqual(directory.components)
    }
}
