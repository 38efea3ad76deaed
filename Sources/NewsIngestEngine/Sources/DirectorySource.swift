import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem
import Synchronization

/// Watches directories and submits each new or changed article file to the pipeline.
///
/// On start the backlog is scanned; afterwards inotify reports files closed after writing or moved in, new
/// subdirectories (when recursive) and watched directories that disappear. A periodic rescan, and a full one
/// when the kernel's event queue overflows, catch anything inotify missed. A file found by a scan whose
/// modification time is within the settle interval is looked at again every settle interval until it has
/// stopped changing, so a writer that neither closes nor renames is not read half-written. Everything runs on
/// one serial queue.
public final class DirectorySource: Sendable {
    private let directories: [DirectorySettings]
    /// The name filter of each directory, built once.
    private let filters: [FileNameFilter]
    private let pipeline: IngestPipeline
    private let state: StateStore
    private let logger: Logger
    private let settleNanoseconds: Int64
    private let rescanInterval: DispatchTimeInterval
    private let queue = DispatchQueue(label: "newsingest.directories")
    private let inotify: Inotify
    private let isStopping = Atomic<Bool>(false)
    private let watches = Mutex<Watches>(Watches())
    /// Finds the rows of files gone from the directories during full scans; used only on `queue`.
    private let sweep = Mutex(GoneFileSweep())
    /// The inotify read source and the rescan timer; touched only on `queue`.
    nonisolated(unsafe) private var sources: [any DispatchSourceProtocol] = []

    /// inotify watch descriptors and the directories they watch.
    private struct Watches {
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
        /// Directories (device and inode) whose names are not UTF-8, reported once each while the daemon runs.
        var reportedUndecodableDirectories: Set<[UInt64]> = []
        /// When the first scan started (nanoseconds, by the clock file times are stamped with). A file a later
        /// scan takes that changed since then was never announced by an event: one that was would have been
        /// taken at the event.
        var startedWatching: Int64 = .max
    }

    /// What a scan did.
    private struct ScanTally {
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

    /// Creates a source; nothing happens until ``start(ready:)``.
    public init(
        directories: [DirectorySettings],
        pipeline: IngestPipeline,
        state: StateStore,
        logger: Logger,
        settleSeconds: Double,
        rescanSeconds: Double
    ) throws(SystemCallError) {
        self.directories = directories
        self.filters = directories.map(FileNameFilter.init)
        self.pipeline = pipeline
        self.state = state
        self.logger = logger
        self.settleNanoseconds = Int64(settleSeconds * 1e9)
        self.rescanInterval = .milliseconds(Int(rescanSeconds * 1000))
        self.inotify = try Inotify()
    }

    /// Watches every directory, then scans the backlog; `ready` runs once the watches are in place (before
    /// the backlog is done, so files arriving meanwhile are not missed).
    public func start(ready: @escaping @Sendable () -> Void) {
        queue.async { @Sendable [self] in
            let events = DispatchSource.makeReadSource(fileDescriptor: inotify.descriptor, queue: queue)
            events.setEventHandler { @Sendable [self] in readEvents() }
            events.resume()
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + rescanInterval, repeating: rescanInterval)
            timer.setEventHandler { @Sendable [self] in scanAll(reason: .periodic) }
            timer.resume()
            sources = [events, timer]
            for index in directories.indices { watchTree(directories[index].path, root: index) }
            ready()
            scanAll(reason: .start)
        }
    }

    /// Stops watching and scanning; a scan in progress gives up at its next file.
    public func stop() {
        isStopping.store(true, ordering: .relaxed)
        queue.async { @Sendable [self] in
            for source in sources { source.cancel() }
            sources.removeAll()
        }
    }

    private var stopping: Bool { isStopping.load(ordering: .relaxed) }

    /// Directories inotify watches now.
    public var watchedDirectoryCount: Int { watches.withLock { $0.table.count } }

    // MARK: - Watches

    /// Adds a watch on `path` (and, when its root is recursive, on every subdirectory). A path recorded as
    /// watched whose directory is another one now (the watched one was deleted or moved away, and its event
    /// is still to come) is watched anew.
    private func watchTree(_ path: String, root: Int) {
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

    private func readEvents() {
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
    private func noteAttributeChange(of path: String, isDirectory: Bool, root: Int) {
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
    private static func isWatched(_ directory: WatchTable.Directory, describedBy status: FileStatus?) -> Bool {
        guard let status, status.isDirectory else { return false }
        return status.device == directory.device && status.inode == directory.inode
    }

    /// Stops watching a directory deleted or moved out of the tree, and the directories below it. A configured
    /// directory is watched again when it reappears; a subdirectory made again is announced by its parent's
    /// watch (or found by a rescan), so nothing waits for it.
    private func stopWatching(_ watch: Int32, _ directory: WatchTable.Directory) {
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
    private func retryWatch(_ path: String, root: Int) {
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

    // MARK: - Scans

    /// Why every directory is scanned.
    private enum ScanReason: String {
        /// The backlog, at start.
        case start
        /// The periodic rescan: what it finds that changed after the start, no event announced.
        case periodic
        /// The kernel's event queue overflowed: events were lost.
        case overflow
    }

    private func scanAll(reason: ScanReason) {
        logger.debug("scanning every watched directory", metadata: ["reason": "\(reason.rawValue)"])
        let since = watches.withLock { watches in
            if reason == .start { watches.startedWatching = WallClock.nowNanosecondsAsFileTimes() }
            watches.datedInFuture = 0
            return watches.startedWatching
        }
        var tally = ScanTally(since: since)
        let scanStarted = DispatchTime.now().uptimeNanoseconds
        let lastRow = try? state.lastFileVersionRow()
        if let lastRow { sweep.withLock { $0.begin(lastRow: lastRow) } }
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
    private func noteSettling(file: String? = nil, directory: String? = nil, root: Int, unannounced: Bool = false) {
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
    private func lookAtSettlingFilesAgain() {
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
    private func forgetGoneFiles(upTo lastRow: Int64) {
        do {
            if stopping { sweep.withLock { $0.noteIncomplete() } }
            let gone = try sweep.withLock { sweep in
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
    private func reportUnannounced(_ tally: ScanTally) {
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
    private func scan(_ path: String, root: Int) {
        var tally = ScanTally(since: .max)
        scan(path, root: root, tally: &tally)
    }

    /// ``scan(_:root:)``, counting what it takes into `tally`.
    private func scan(_ path: String, root: Int, tally: inout ScanTally) {
        guard !stopping else { return }
        let entries: DirectoryEntries
        do {
            entries = try DirectoryEntries(path: path)
        } catch {
            if !error.isFileMissing {
                logger.error("cannot list directory", metadata: ["path": "\(path)", "error": "\(error)"])
                sweep.withLock { $0.noteIncomplete() }
            }
            return
        }
        if let device = try? entries.status().device {
            sweep.withLock { $0.noteDirectory(onDevice: device) }
        } else {
            sweep.withLock { $0.noteIncomplete() }
        }
        var chunk: [DirectoryEntries.Entry] = []
        while true {
            chunk.removeAll(keepingCapacity: true)
            while chunk.count < Self.scanChunk, let entry = entries.next() { chunk.append(entry) }
            if chunk.isEmpty {
                if let failure = entries.failure {
                    logger.error(
                        "could not list all of a directory", metadata: ["path": "\(path)", "error": "\(failure)"])
                    sweep.withLock { $0.noteIncomplete() }
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
                        unannounced: tally.since != .max)
                    {
                        tally.countTaken(status)
                    }
                case .other:
                    continue
                }
            }
        }
    }

    /// True when a file a scan found may still be changing; its caller notes it to be looked at again.
    ///
    /// A file is taken when its modification time is older than the settle interval, or when scans saw the
    /// same version (size and time) for the settle interval: a writer's clock ahead of ours (a share, a copy
    /// that kept its times, an archive) dates a file in the future, and its date alone would hold it back
    /// for as long as the clocks differ.
    private func isStillChanging(_ status: FileStatus) -> Bool {
        let age = WallClock.nowMilliseconds() * 1_000_000 - status.modifiedNanoseconds
        guard age < settleNanoseconds else { return false }
        let identity = FileIdentity(status)
        let now = DispatchTime.now().uptimeNanoseconds
        return watches.withLock { watches in
            let since = watches.unchanged[identity]?.since ?? now
            guard now - since < UInt64(settleNanoseconds) else {
                watches.unchanged[identity] = nil
                return false
            }
            watches.unchanged[identity] = (since, now)
            // A second and more ahead: not the few milliseconds a coarse clock may be behind.
            if age < -1_000_000_000 { watches.datedInFuture += 1 }
            return true
        }
    }

    /// Reports a file whose name (`bytes`) is not UTF-8, shown escaped in `path`: no path this daemon holds
    /// opens it, so its error goes to the error log, once per version while the daemon runs, and the file
    /// stays where it is.
    private func reportUndecodable(
        _ bytes: [UInt8], path: String, in entries: DirectoryEntries, directory: String, root: Int
    ) {
        guard filters[root].accepts(FileSource.lastComponent(of: path)),
            let status = try? entries.status(ofEntryNamed: bytes), status.isRegularFile
        else { return }
        // Like any file a scan finds, it is reported only once it has stopped changing.
        if isStillChanging(status) {
            noteSettling(directory: directory, root: root)
            return
        }
        guard watches.withLock({ $0.reportedUndecodable.insert(FileIdentity(status)).inserted }) else { return }
        reportUnreachable(
            path, what: "file", consequence: "the file cannot be read", remedy: "the file a UTF-8 name to have it",
            code: "file_name_not_utf8", size: status.size)
    }

    /// Reports a subdirectory whose name (`bytes`) is not UTF-8, shown escaped in `path`: no path this daemon
    /// holds lists it, so the files in it cannot be taken. Once per directory while the daemon runs.
    private func reportUndecodableDirectory(_ bytes: [UInt8], path: String, in entries: DirectoryEntries) {
        guard let status = try? entries.status(ofEntryNamed: bytes), status.isDirectory,
            watches.withLock({ $0.reportedUndecodableDirectories.insert([status.device, status.inode]).inserted })
        else { return }
        reportUnreachable(
            path, what: "directory", consequence: "the files in it cannot be read",
            remedy: "the directory a UTF-8 name to have them", code: "directory_name_not_utf8", size: nil)
    }

    /// Logs, and writes to the error log, that the `what` at `path` has a name that is not UTF-8.
    private func reportUnreachable(
        _ path: String, what: String, consequence: String, remedy: String, code: String, size: Int?
    ) {
        logger.warning(
            "a \(what) name is not UTF-8, so \(consequence); it is reported and left as it is",
            metadata: ["path": "\(path)"])
        let failure = ErrorRecord(
            time: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds()), path: path,
            reason: "the \(what) name is not UTF-8 (bytes that are not are shown as \\xNN), so \(consequence); "
                + "give \(remedy) ingested",
            code: code, size: size)
        pipeline.submitFailure(failure) { [self] in stopping }
    }

    /// Submits the file at `path` unless its name is filtered out, this version is done or in flight, or
    /// (found by a scan) it changed within the settle interval. With `looksAgainIfInFlight`, a version in
    /// flight is looked at again after the settle interval: what an attribute change did to it (a mode put
    /// right) is seen only once its outcome is committed. `listing`: the directory a scan is listing, and the
    /// file's name in it. `unannounced`: found by a full scan (or left settling by one), which counts the files
    /// it takes that no event announced.
    /// - Returns: the file's status when it was submitted.
    @discardableResult
    private func consider(
        _ path: String, root: Int, isComplete: Bool, looksAgainIfInFlight: Bool = false,
        listedIn listing: (entries: DirectoryEntries, name: String)? = nil, unannounced: Bool = false
    ) -> FileStatus? {
        let name = listing?.name ?? FileSource.lastComponent(of: path)
        let disposal = directories[root].disposal
        guard filters[root].accepts(name), !disposal.owns(path) else { return nil }
        // A scan's file is looked up by its name in the directory being listed, not by its whole path.
        let status = try? listing?.entries.status(ofEntryNamed: name) ?? FileStatus(path: path)
        guard let status, status.isRegularFile else { return nil }
        let identity = FileIdentity(status)
        // In flight first, then the state: the writer commits a file before it releases it, so a file found
        // released here is found committed next (the other order could miss both and take it twice).
        switch pipeline.flightStatus(of: identity) {
        case .thisVersion:
            if looksAgainIfInFlight { noteSettling(file: path, root: root, unannounced: unannounced) }
            return nil
        case .anotherVersion:
            // Changed since it was submitted (a `touch`, an archive setting its time after its close): the
            // worker may have read it as it is now, so it is looked at again once that one is committed.
            noteSettling(file: path, root: root, unannounced: unannounced)
            return nil
        case .none:
            break
        }
        do {
            if let committed = try state.committedVersion(of: identity) {
                sweep.withLock { $0.noteFound(row: committed.row) }
                if committed.kind == .unreadable {
                    // Reported once, and left where it is; taken again once its owner or mode lets us read it.
                    guard FileAccess.isReadable(path) else { return nil }
                } else if committed.kind != .failed, let changed = committed.changedNanoseconds,
                    changed != identity.changedNanoseconds
                {
                    // Same size and time, but its inode changed since: another file on the inode of one deleted
                    // since (an archive's files share their times), or the same one after a `chmod` or a
                    // rename. It is read again, and its content decides: a duplicate, or a new record. (A
                    // failed file is not: its failure is reported once.)
                } else {
                    // Done before; a crash may have come between the commit and the move or delete. Once the
                    // file has left, no scan can find it again: its row goes, as the rows of files that leave at
                    // their commit do.
                    if disposal.apply(to: path, failed: committed.kind == .failed, logger: logger) {
                        do {
                            try state.forgetFileVersions(rows: [committed.row])
                        } catch {
                            logger.error(
                                "could not forget the state of a file that left",
                                metadata: ["path": "\(path)", "error": "\(error)"])
                        }
                    }
                    return nil
                }
            }
        } catch {
            logger.error("state store lookup failed", metadata: ["path": "\(path)", "error": "\(error)"])
            sweep.withLock { $0.noteIncomplete() }
            return nil
        }
        if !isComplete, isStillChanging(status) {
            noteSettling(file: path, root: root, unannounced: unannounced)
            return nil
        }
        let submitted = pipeline.submit(path: path, identity: identity, disposal: disposal) { [self] in stopping }
        return submitted ? status : nil
    }
}
