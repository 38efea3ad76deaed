import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem

/// Scans: the backlog at start, periodic and overflow rescans, files left to settle, and the sweep of gone files.
extension DirectorySource {

    /// Why every directory is scanned.
    enum ScanReason: String {
        /// The backlog, at start.
        case start
        /// The periodic rescan: what it finds that changed after the start, no event announced.
        case periodic
        /// The kernel's event queue overflowed: events were lost.
        case overflow
    }

    func scanAll(reason: ScanReason) {
        logger.debug("scanning every watched directory", metadata: ["reason": "\(reason.rawValue)"])
        let since = watches.withLock { watches in
            if reason == .start { watches.startedWatching = WallClock.nowNanosecondsAsFileTimes() }
            watches.datedInFuture = 0
            return watches.startedWatching
        }
        var tally = ScanTally(since: since)
        let scanStarted = DispatchTime.now().uptimeNanoseconds
        let lastRow = try? state.lastFileVersionRow()
        if let lastRow { sweep.withValue { $0.begin(lastRow: lastRow) } }
        // A root that was missing may exist now; a directory the system would not let be watched may be now.
        for (path, root) in watches.withLock({ $0.unwatchable }) { watchTree(path, root: root) }
        for index in directories.indices {
            watchTree(directories[index].path, root: index)
            scan(directories[index].path, root: index, tally: &tally)
        }
        if let lastRow { forgetGoneFiles(upTo: lastRow) }
        let (settling, datedInFuture) = watches.withLock { watches in
            // Files no longer there, or no longer waiting, are not looked at by a full scan.
            watches.unchanged = watches.unchanged.filter { $0.value.looked >= scanStarted }
            return (watches.settlingCount, watches.datedInFuture)
        }
        if datedInFuture > 0 {
            logger.notice(
                "files are dated in the future (their writer's clock is ahead of this one); each is taken once it has stayed unchanged for the settle interval",
                metadata: ["files": "\(datedInFuture)"])
        }
        switch reason {
        case .start:
            logger.info(
                "backlog scanned", metadata: ["files": "\(tally.taken)", "still_changing": "\(settling)"])
        case .periodic:
            reportUnannounced(tally)
        case .overflow:
            logger.notice("the rescan after the overflow is done", metadata: ["files": "\(tally.taken)"])
        }
        if settling > 0 {
            logger.debug(
                "files still changing, looked at again every settle interval", metadata: ["files": "\(settling)"])
        }
    }

    /// Notes a file (or a directory holding one whose name is not UTF-8) that a scan found still changing,
    /// and schedules a look at it after the settle interval unless one is scheduled.
    func noteSettling(file: String? = nil, directory: String? = nil, root: Int, unannounced: Bool = false) {
        let schedule = watches.withLock { watches in
            if let file {
                let wasUnannounced = watches.settlingFiles[file]?.unannounced ?? false
                watches.settlingFiles[file] = (root, unannounced || wasUnannounced)
            }
            if let directory {
                watches.settlingDirectories[directory, default: (root, 0)].files += 1
            }
            defer { watches.settleCheckScheduled = true }
            return !watches.settleCheckScheduled
        }
        guard schedule else { return }
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(settleNanoseconds))) { @Sendable [self] in
            lookAtSettlingFilesAgain()
        }
    }

    /// Looks again at the files left settling: takes those that stopped changing, notes again those still
    /// changing (which schedules the next look), and forgets those gone. Without it a file that a writer
    /// keeps open would wait for the next periodic rescan, and again at each one while it was written.
    func lookAtSettlingFilesAgain() {
        let (files, directories) = watches.withLock { watches in
            defer {
                watches.settlingFiles.removeAll()
                watches.settlingDirectories.removeAll()
                watches.settleCheckScheduled = false
            }
            return (watches.settlingFiles, watches.settlingDirectories)
        }
        guard !stopping else { return }
        var tally = ScanTally(since: watches.withLock { $0.startedWatching })
        for (path, file) in files {
            // One noted while in flight (``noteAttributeChange(of:isDirectory:root:)``) is looked at until its
            // outcome is committed; any other costs one more look if it is in flight now.
            if let status = consider(
                path, root: file.root, isComplete: false, looksAgainIfInFlight: true, unannounced: file.unannounced),
                file.unannounced
            {
                tally.countTaken(status)
            }
        }
        for (path, directory) in directories { scan(path, root: directory.root, tally: &tally) }
        reportUnannounced(tally)
    }

    /// Ends the sweep of a full scan: forgets the state rows of files that two full scans in a row did not find
    /// (see ``GoneFileSweep``).
    func forgetGoneFiles(upTo lastRow: Int64) {
        do {
            if stopping { sweep.withValue { $0.noteIncomplete() } }
            let gone = try sweep.withValue { sweep in
                try sweep.finish { body in try state.forEachFileVersion(upTo: lastRow, body) }
            }
            guard !gone.isEmpty else { return }
            try state.forgetFileVersions(rows: gone)
            logger.info(
                "forgot the state of files gone from the watched directories; they would be new files if they came back",
                metadata: ["files": "\(gone.count)"])
        } catch {
            logger.error("could not forget the state of files that are gone", metadata: ["error": "\(error)"])
        }
    }

    /// Says when a rescan took files that changed after the start without an event: inotify cannot see
    /// them (never closed after writing, hard-linked in, written on another machine over NFS) or lost them.
    func reportUnannounced(_ tally: ScanTally) {
        guard tally.changedSince > 0 else { return }
        logger.notice(
            "a rescan found files no inotify event announced; taking them",
            metadata: ["files": "\(tally.changedSince)"])
    }

    /// How many directory entries a scan reads before it sorts them by inode and takes them. Files taken in
    /// inode order are read in the order they lie on disk, and their state rows (keyed by device and inode)
    /// land in a few neighbouring pages per commit instead of one page each: 30 % fewer bytes written by
    /// SQLite on a backlog. A chunk of names is a few hundred KiB at most, however large the directory.
    static let scanChunk = 4096

    /// Takes the files of the directory at `path` (and of its subdirectories, when its root is recursive),
    /// a chunk of entries at a time in inode order.
    func scan(_ path: String, root: Int) {
        var tally = ScanTally(since: .max)
        scan(path, root: root, tally: &tally)
    }

    /// ``scan(_:root:)``, counting what it takes into `tally`.
    func scan(_ path: String, root: Int, tally: inout ScanTally) {
        guard !stopping else { return }
        let entries: DirectoryEntries
        do {
            entries = try DirectoryEntries(path: path)
        } catch {
            if !error.isFileMissing {
                logger.error("cannot list directory", metadata: ["path": "\(path)", "error": "\(error)"])
                sweep.withValue { $0.noteIncomplete() }
            }
            return
        }
        if let device = try? entries.status().device {
            sweep.withValue { $0.noteDirectory(onDevice: device) }
        } else {
            sweep.withValue { $0.noteIncomplete() }
        }
        var chunk: [DirectoryEntries.Entry] = []
        while true {
            chunk.removeAll(keepingCapacity: true)
            while chunk.count < Self.scanChunk, let entry = entries.next() { chunk.append(entry) }
            if chunk.isEmpty {
                if let failure = entries.failure {
                    logger.error(
                        "could not list all of a directory", metadata: ["path": "\(path)", "error": "\(failure)"])
                    sweep.withValue { $0.noteIncomplete() }
                }
                return
            }
            chunk.sort { $0.inode < $1.inode }
            for entry in chunk {
                if stopping { return }
                let child = path + "/" + entry.name
                switch entry.kind {
                case .directory:
                    guard directories[root].recursive, !entry.name.hasPrefix(".") else { continue }
                    if let bytes = entry.undecodableName {
                        reportUndecodableDirectory(bytes, path: child, in: entries)
                    } else {
                        scan(child, root: root, tally: &tally)
                    }
                case .file, .symbolicLink, .unknown:
                    // A symbolic link is taken when it leads to a regular file (`stat` follows it); one that leads
                    // to a directory is not followed, so a link to a parent cannot make the scan go round.
                    if let bytes = entry.undecodableName {
                        reportUndecodable(bytes, path: child, in: entries, directory: path, root: root)
                    } else if let status = consider(
                        child, root: root, isComplete: false, listedIn: (entries, entry.name),
                        listedAsFile: entry.kind == .file, unannounced: tally.since != .max)
                    {
                        tally.countTaken(status)
                    }
                case .other:
                    continue
                }
            }
        }
    }
}
