import NewsIngestSystem

/// inotify watch descriptors and the directories they watch.
struct DirectoryWatches {
    var table = WatchTable()
    /// Directories that could not be watched (their root's index), tried again at each rescan and
    /// reported once until they are watched.
    var unwatchable: [String: Int] = [:]
    /// Files a scan left for later because they were still changing (path and root), looked at again
    /// every settle interval until each is taken or gone: a writer that never closes sends no event.
    /// `unannounced`: a full scan found it, changed since the start, and taking it says no event did (see
    /// ``reportUnannounced(_:)``); a new directory's scan finds files written before its watch was added,
    /// as it should.
    var settlingFiles: [String: (root: Int, unannounced: Bool)] = [:]
    /// Directories holding such files whose names are not UTF-8 (no path reaches them), scanned again: their
    /// root, and how many such files.
    var settlingDirectories: [String: (root: Int, files: Int)] = [:]
    /// Whether the next look at the settling files is scheduled.
    var settleCheckScheduled = false
    var settlingCount: Int { settlingDirectories.values.reduce(settlingFiles.count) { $0 + $1.files } }
    /// Versions of files a scan found changed within the settle interval by their modification time, or
    /// dated after now (their writer's clock is ahead of ours): when each was first seen and last looked at
    /// (``DispatchTime`` nanoseconds). A version seen for the settle interval is taken whatever its date
    /// says. Entries a full scan does not look at (the file changed, went, or was taken) go.
    var unchanged: [FileIdentity: (since: UInt64, looked: UInt64)] = [:]
    /// Of the files left for later, those dated in the future.
    var datedInFuture = 0
    /// Versions of files whose names are not UTF-8, reported once each while the daemon runs.
    var reportedUndecodable: Set<FileIdentity> = []
    /// Symbolic links reported as not followed (their path, target and the target's version): once each.
    var reportedLinks: Set<String> = []
    /// Directories (device and inode) whose names are not UTF-8, reported once each while the daemon runs.
    var reportedUndecodableDirectories: Set<[UInt64]> = []
    /// When the first scan started (nanoseconds, by the clock file times are stamped with). A file a later
    /// scan takes that changed since then was never announced by an event: one that was would have been
    /// taken at the event.
    var startedWatching: Int64 = .max
}

/// What a scan did.
struct ScanTally {
    /// Files submitted.
    var taken = 0
    /// Of those, files whose status changed after `since` (see ``Watches/startedWatching``).
    var changedSince = 0
    let since: Int64

    /// Counts a file submitted with `status`.
    mutating func countTaken(_ status: FileStatus) {
        taken += 1
        if status.changedNanoseconds >= since { changedSince += 1 }
    }
}
