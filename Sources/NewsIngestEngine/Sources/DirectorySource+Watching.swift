import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem

/// The inotify side: watches on every directory of the trees, their events, and directories that come and go.
extension DirectorySource {

    /// Adds a watch on `path` (and, when its root is recursive, on every subdirectory). A path recorded as
    /// watched whose directory is another one now (the watched one was deleted or moved away, and its event
    /// is still to come) is watched anew.
    func watchTree(_ path: String, root: Int) {
        guard !stopping else { return }
        var status = try? FileStatus(path: path)
        let stale: [Int32]? = watches.withLock { watches in
            guard let watch = watches.table.watch(at: path), let recorded = watches.table[watch] else { return [] }
            if Self.isWatched(recorded, describedBy: status) { return nil }
            return watches.table.removeTree(watch)
        }
        guard let stale else { return }
        for watch in stale { inotify.removeWatch(watch) }
        do {
            let watch = try inotify.watchDirectory(path)
            // Made between the two calls: a directory whose status is unknown is found stale, and watched anew,
            // by the next call for its path.
            if status == nil { status = try? FileStatus(path: path) }
            let directory = WatchTable.Directory(
                path: path, root: root, device: status?.device ?? 0, inode: status?.inode ?? 0)
            let (dropped, failedBefore) = watches.withLock { watches in
                (watches.table.add(watch, directory), watches.unwatchable.removeValue(forKey: path) != nil)
            }
            for watch in dropped { inotify.removeWatch(watch) }
            if failedBefore {
                logger.notice("watching a directory that could not be watched before", metadata: ["path": "\(path)"])
            }
        } catch {
            if error.isFileMissing {
                // A subdirectory that could not be watched and is gone since needs no more tries.
                guard watches.withLock({ $0.unwatchable.removeValue(forKey: path) }) == nil else { return }
                logger.warning(
                    "watched directory does not exist (yet); checked again at each rescan",
                    metadata: ["path": "\(path)"])
            } else if watches.withLock({ $0.unwatchable.updateValue(root, forKey: path) == nil }) {
                var metadata: Logger.Metadata = ["path": "\(path)", "error": "\(error)"]
                if let advice = Inotify.limitAdvice(for: error) { metadata["advice"] = "\(advice)" }
                logger.error(
                    "cannot watch directory; rescans find its new files and try the watch again",
                    metadata: metadata)
            }
            return
        }
        guard directories[root].recursive, let entries = try? DirectoryEntries(path: path) else { return }
        while let entry = entries.next() {
            if entry.kind == .directory || entry.kind == .unknown, !entry.name.hasPrefix(".") {
                let child = path + "/" + entry.name
                if entry.kind == .directory || (try? FileStatus(path: child))?.isDirectory == true {
                    watchTree(child, root: root)
                }
            }
        }
    }

    func readEvents() {
        let events: [Inotify.Event]
        do {
            events = try inotify.readEvents()
        } catch {
            logger.error("reading inotify events failed; relying on rescans", metadata: ["error": "\(error)"])
            return
        }
        for event in events {
            if stopping { return }
            if event.isOverflow {
                logger.warning("inotify queue overflowed: events were lost, rescanning everything")
                scanAll(reason: .overflow)
                continue
            }
            guard let directory = watches.withLock({ $0.table[event.watch] }) else { continue }
            if event.isDirectoryMoved {
                // Renamed within the tree, it was recorded at its new path when its new parent announced it.
                if Self.isWatched(directory, describedBy: try? FileStatus(path: directory.path)) { continue }
                stopWatching(event.watch, directory)
                continue
            }
            if event.isWatchGone {
                stopWatching(event.watch, directory)
                continue
            }
            let path = directory.path + "/" + event.name
            // A subdirectory the scans descend into: not a hidden one (`.git`, a syncer's `.stfolder`).
            let descends = directories[directory.root].recursive && !event.name.hasPrefix(".")
            guard event.nameIsExact else {
                // No path reaches a name that is not UTF-8: a scan of its directory finds it by its bytes and
                // reports it.
                if event.isFileComplete || (event.isNewDirectory && descends) {
                    scan(directory.path, root: directory.root)
                }
                continue
            }
            if event.isNewDirectory {
                guard descends else { continue }
                watchTree(path, root: directory.root)
                scan(path, root: directory.root)
            } else if event.isFileComplete {
                consider(path, root: directory.root, isComplete: true)
            } else if event.isAttributeChange {
                noteAttributeChange(of: path, isDirectory: event.isDirectory && descends, root: directory.root)
            }
        }
    }

    /// A `chmod`, `chown` or `touch` in a watched directory: what it may have made takeable is looked at now,
    /// not at the next rescan. A file left in place because it could not be read is taken once it may be
    /// read (also when the `chmod` came while its failure was being committed); any other file is looked at
    /// as a scan looks at it (taken once it has stopped changing, and not at all when its version was taken
    /// before). A subdirectory that could not be watched or listed is watched and scanned once its mode
    /// allows.
    func noteAttributeChange(of path: String, isDirectory: Bool, root: Int) {
        if isDirectory {
            guard watches.withLock({ $0.table.watch(at: path) }) == nil else { return }
            watchTree(path, root: root)
            if watches.withLock({ $0.table.watch(at: path) }) != nil { scan(path, root: root) }
        } else {
            consider(path, root: root, isComplete: false, looksAgainIfInFlight: true)
        }
    }

    /// True when `status` (of the path `directory` is recorded at) describes the directory watched there: the
    /// same device and inode, not another made at its path since.
    static func isWatched(_ directory: WatchTable.Directory, describedBy status: FileStatus?) -> Bool {
        guard let status, status.isDirectory else { return false }
        return status.device == directory.device && status.inode == directory.inode
    }

    /// Stops watching a directory deleted or moved out of the tree, and the directories below it. A configured
    /// directory is watched again when it reappears; a subdirectory made again is announced by its parent's
    /// watch (or found by a rescan), so nothing waits for it.
    func stopWatching(_ watch: Int32, _ directory: WatchTable.Directory) {
        let removed = watches.withLock { $0.table.removeTree(watch) }
        guard !removed.isEmpty else { return }
        for watch in removed { inotify.removeWatch(watch) }
        if directory.path == directories[directory.root].path {
            logger.warning(
                "watched directory was removed or moved; watched again when it reappears",
                metadata: ["path": "\(directory.path)"])
            retryWatch(directory.path, root: directory.root)
        } else {
            logger.debug(
                "a watched subdirectory was removed or moved away; no longer watched",
                metadata: ["path": "\(directory.path)", "directories": "\(removed.count)"])
        }
    }

    /// Tries to watch a configured directory that disappeared, every second until it is back (then scans it).
    func retryWatch(_ path: String, root: Int) {
        queue.asyncAfter(deadline: .now() + .seconds(1)) { @Sendable [self] in
            guard !stopping else { return }
            if (try? FileStatus(path: path))?.isDirectory == true {
                watchTree(path, root: root)
                scan(path, root: root)
            } else {
                retryWatch(path, root: root)
            }
        }
    }
}
