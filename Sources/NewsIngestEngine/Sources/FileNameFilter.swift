/// Decides by name whether a file in a watched directory is an article to take.
struct FileNameFilter: Sendable {
    let include: [FileNameGlob]
    let exclude: [FileNameGlob]

    init(_ settings: DirectorySettings) {
        include = settings.include.map(FileNameGlob.init)
        exclude = (settings.exclude + DirectorySettings.alwaysExcluded).map(FileNameGlob.init)
    }

    func accepts(_ name: String) -> Bool {
        include.contains { $0.matches(name) } && !exclude.contains { $0.matches(name) }
    }
}
