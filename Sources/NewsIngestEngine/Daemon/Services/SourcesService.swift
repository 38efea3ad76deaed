import Logging
import ServiceLifecycle
import Synchronization

/// The daemon's sources as one service: starts the directory sources, then the URL sources, says it is
/// ready, and on graceful shutdown stops them all, so that nothing new is submitted while the pipeline
/// drains (``PipelineDrainService`` shuts down after it).
///
/// The directory sources are replaced when a reload changes what is watched (``replaceDirectories(with:)``);
/// the URL sources stay as they started.
final class SourcesService: Service {
    private let directories: Mutex<DirectorySource>
    private let urls: (any IngestSource)?
    /// Runs once every source is in place.
    private let ready: @Sendable () -> Void
    /// True once shutdown stopped the sources: a reload arriving later starts nothing.
    private let isStopped = Mutex(false)

    init(directories: DirectorySource, urls: (any IngestSource)?, ready: @escaping @Sendable () -> Void) {
        self.directories = Mutex(directories)
        self.urls = urls
        self.ready = ready
    }

    func run() async throws {
        let directories = directories.withLock { $0 }
        await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
            directories.start { @Sendable [urls] in
                urls?.start {}
                started.resume()
            }
        }
        ready()
        // Cancellation (the group gave up waiting) stops the sources just the same.
        try? await gracefulShutdown()
        isStopped.withLock { isStopped in
            isStopped = true
            self.directories.withLock { $0 }.stop()
        }
        urls?.stop()
    }

    /// Stops the directory sources in force and starts `replacement` in their place; `started` runs once it
    /// watches. Does nothing, returning false, once shutdown has begun.
    @discardableResult
    func replaceDirectories(with replacement: DirectorySource, started: @escaping @Sendable () -> Void) -> Bool {
        let previous: DirectorySource? = isStopped.withLock { isStopped in
            guard !isStopped else { return nil }
            return directories.withLock { sources in
                defer { sources = replacement }
                return sources
            }
        }
        guard let previous else { return false }
        previous.stop()
        replacement.start(ready: started)
        return true
    }

    /// How many directories the directory sources watch now.
    var watchedDirectoryCount: Int { directories.withLock { $0 }.watchedDirectoryCount }
}
