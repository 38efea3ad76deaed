import NewsIngestSystem

/// Moving a file to a name nothing else holds: output rotation and the done/quarantine moves both need it.
enum UnusedName {
    /// Renames `path` to `candidate(1)`, or to `candidate(2)`, `candidate(3)`… when that name is taken.
    /// - Returns: the name it now has.
    static func rename(_ path: String, to candidate: (Int) -> String) throws(SystemCallError) -> String {
        var attempt = 1
        var target = candidate(attempt)
        while FileNames.isTaken(target) {
            attempt += 1
            target = candidate(attempt)
        }
        try FileNames.rename(path, to: target)
        return target
    }
}
