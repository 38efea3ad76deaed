import NewsIngestSystem

/// A file the daemon writes that its own configuration would also read or write another way: the output, the
/// error log or the state database in a watched directory under a name the directory takes (the daemon would
/// ingest what it writes, again at every rescan, and with `after = "move"` or `"delete"` move or delete it),
/// or the output and the error log at one path.
public struct OwnFileConflict: Sendable, Equatable, CustomStringConvertible {
    /// Which of the daemon's files.
    public enum File: String, Sendable {
        case output, errors, state
    }

    /// The file, as configured (the output or error log path, the state directory).
    public var file: File
    /// The configured path of that file.
    public var path: String
    /// The watched directory that would take it, as configured, or `nil` when the output and the error log
    /// share a path.
    public var directory: String?
    /// The name the directory would take (the file's own, or one it is rotated to).
    public var name: String

    public var description: String {
        guard let directory else {
            return "the output and the error log are the same file: error lines would be mixed into the records"
        }
        let what = file == .state ? "its state database" : "its own \(file == .output ? "output" : "error log")"
        return "lies in the watched directory \(directory), which takes files named \(name): the daemon would "
            + "ingest \(what) again at every rescan; move it out of there, or exclude the name"
    }
}

extension DaemonSettings {
    /// The first file the daemon writes that its configuration would take back (see ``OwnFileConflict``), with
    /// relative paths taken from `workingDirectory` and symbolic links resolved where the paths exist; `nil`
    /// when there is none.
    public func ownFileConflict(workingDirectory: String) -> OwnFileConflict? {
        let output = pipeline.outputPath
        let errors = pipeline.errorsPath
        // Two streams (`/dev/null` for a dry run, one named pipe) may be one file.
        if output != "-", (try? FileStatus(path: output))?.isRegularFile ?? true,
            LexicalPath(output, in: workingDirectory).resolvingLinks().components
                == LexicalPath(errors, in: workingDirectory).resolvingLinks().components
        {
            return OwnFileConflict(file: .errors, path: errors, directory: nil, name: errors)
        }
        var written: [(OwnFileConflict.File, String, [String])] = []
        for (file, path) in [(OwnFileConflict.File.output, output), (.errors, errors)] where path != "-" {
            written.append((file, path, [path, JSONLOutput.rotatedName(of: path, stamp: "20261125T090012Z")]))
        }
        let database = stateDirectory + "/state.sqlite3"
        written.append((.state, stateDirectory, [database, database + "-wal", database + "-shm"]))
        for (file, configured, paths) in written {
            for path in paths {
                let location = LexicalPath(path, in: workingDirectory).resolvingLinks()
                for directory in directories where Self.takes(directory, location, workingDirectory: workingDirectory) {
                    return OwnFileConflict(
                        file: file, path: configured, directory: directory.path, name: location.components.last ?? path)
                }
            }
        }
        return nil
    }

    /// True when a scan of `directory` would take the file at `location`: it lies in the directory (or, when
    /// recursive, under it, through no hidden subdirectory), outside its done and quarantine directories, and
    /// its name passes the directory's globs.
    private static func takes(
        _ directory: DirectorySettings, _ location: LexicalPath, workingDirectory: String
    ) -> Bool {
        let root = LexicalPath(directory.path, in: workingDirectory).resolvingLinks()
        guard location.lies(under: root) else { return false }
        let file = location.components
        let between = file[root.components.count..<(file.count - 1)]
        guard between.isEmpty || (directory.recursive && !between.contains { $0.hasPrefix(".") }) else {
            return false
        }
        let owned = [directory.disposal.doneDirectory, directory.disposal.quarantineDirectory].compactMap { $0 }
        guard !owned.contains(where: { location.lies(under: LexicalPath($0, in: workingDirectory).resolvingLinks()) })
        else {
            return false
        }
        return FileNameFilter(directory).accepts(file.last ?? "")
    }
}
