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
    let directories: [DirectorySettings]
    /// The watched directories with their symbolic links resolved: where a link's target may lie under
    /// `follow_symlinks = "inside"`.
    let resolvedRoots: [String]
    /// The name filter of each directory, built once.
    let filters: [FileNameFilter]
    let pipeline: IngestPipeline
    let state: StateStore
    let logger: Logger
    let settleNanoseconds: Int64
    let rescanInterval: DispatchTimeInterval
    let queue: DispatchQueue
    let inotify: Inotify
    let isStopping = Atomic<Bool>(false)
    let watches = Mutex<DirectoryWatches>(DirectoryWatches())
    /// Finds the rows of files gone from the directories during full scans.
    let sweep: QueueBound<GoneFileSweep>
    /// The inotify read source and the rescan timer.
    let sources: QueueBound<[any DispatchSourceProtocol]>

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
        self.resolvedRoots = directories.map { directory in
            let path = FileAccess.realPath(directory.path) ?? directory.path
            return path.hasSuffix("/") ? path : path + "/"
        }
        self.filters = directories.map(FileNameFilter.init)
        self.pipeline = pipeline
        self.state = state
        self.logger = logger
        self.settleNanoseconds = Int64(settleSeconds * 1e9)
        self.rescanInterval = .milliseconds(Int(rescanSeconds * 1000))
        self.inotify = try Inotify()
        let queue = DispatchQueue(label: "newsingest.directories")
        self.queue = queue
        self.sweep = QueueBound(GoneFileSweep(), on: queue)
        self.sources = QueueBound([], on: queue)
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
            sources.wrapped = [events, timer]
            for index in directories.indices { watchTree(directories[index].path, root: index) }
            ready()
            scanAll(reason: .start)
        }
    }

    /// Stops watching and scanning; a scan in progress gives up at its next file.
    public func stop() {
        isStopping.store(true, ordering: .relaxed)
        queue.async { @Sendable [self] in
            sources.withValue { sources in
                for source in sources { source.cancel() }
                sources.removeAll()
            }
        }
    }

    var stopping: Bool { isStopping.load(ordering: .relaxed) }

    /// Directories inotify watches now.
    public var watchedDirectoryCount: Int { watches.withLock { $0.table.count } }

}
