#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Decides by name whether a file in a watched directory is an article to take.
struct FileNameFilter: Sendable {
    let include: [String]
    let exclude: [String]

    init(_ settings: DirectorySettings) {
        include = settings.include
        exclude = settings.exclude + DirectorySettings.alwaysExcluded
    }

    func accepts(_ name: String) -> Bool {
        include.contains { fnmatch($0, name, 0) == 0 } && !exclude.contains { fnmatch($0, name, 0) == 0 }
    }
}
