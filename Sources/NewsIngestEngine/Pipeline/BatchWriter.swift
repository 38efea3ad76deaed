import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem
import Synchronization

/// The pipeline's one writer: gathers the workers' results into batches, decides which records are new
/// (``VersionCheck``), writes each batch to the ``Sink``, and commits the batches' outcomes to the state once
/// the sink made them durable (``BatchWriter+Commit.swift``): exactly once across crashes.
///
/// Everything it owns is used on its serial queue; results are handed over under a lock of their own, so a
/// worker never waits for a `write`, a sync or a commit.
final class BatchWriter: Sendable {
    let settings: PipelineSettings
    let state: StateStore
    /// Asked of each record whether it is in the output already.
    let versions: VersionCheck
    let logger: Logger
    let admission: Admission
    let queue = DispatchQueue(label: "newsingest.writer")
    let writer: Mutex<WriterState>
    /// The batch being gathered, under its own lock: a worker handing over a result never waits for the
    /// writer's `write`, sync and commit.
    let gathering = Mutex(Gathering())
    let counters = Mutex(IngestPipeline.Counters())
    /// When the writer last committed a batch (milliseconds since 1970); 0 before the first.
    let lastCommitTime = Atomic<Int64>(0)
    /// Why the writer is paused, while it is (see ``pauseAfterFailure(_:_:error:)``).
    let pauseReason = Mutex<String?>(nil)
    /// Set when the daemon stops: from then on every batch is synced and committed at once.
    let isDraining = Atomic<Bool>(false)
    /// Commits what an idle pipeline wrote, under `fsync = "interval"`. Set once in `init` and only kept
    /// alive after; its handler runs on the writer's queue.
    nonisolated(unsafe) private let syncTimer: (any DispatchSourceTimer)?

    /// What the writer owns: the sink, and what was written but is not yet synced and committed.
    struct WriterState: ~Copyable {
        let sink: any Sink
        var uncommitted = UncommittedBatches()
        var lastCommit = DispatchTime.now()
        /// When the oldest batch of `uncommitted` was written.
        var oldestUncommitted: DispatchTime?
        /// True while a look for an idle writer (``commitIfIdle()``) is queued.
        var idleCheckScheduled = false
        /// Failed attempts in a row to write a batch, or to sync and commit what waits.
        var failedAttempts = 0
        /// True from a failure until the pause before the next attempt is over (``retryAfterPause()``): no
        /// batch is written and nothing committed meanwhile.
        var isPaused = false
        /// True from a failure to write a batch until a batch is written again: a commit that works meanwhile
        /// (of what was written before) is not yet a recovery.
        var batchWaitsUnwritten = false
    }

    /// Results handed over by the workers since the last flush, and whether a flush is queued.
    struct Gathering {
        var results: [PipelineResult] = []
        var flushScheduled = false

        /// True, once, when a flush should be queued: results wait and none is queued yet.
        mutating func claimFlush() -> Bool {
            guard !flushScheduled, !results.isEmpty else { return false }
            flushScheduled = true
            return true
        }
    }

    /// Starts a writer on `sink` (and, under `fsync = "interval"`, its sync timer).
    init(
        settings: PipelineSettings, versions: VersionCheck, sink: sending any Sink, admission: Admission,
        logger: Logger
    ) {
        self.settings = settings
        self.versions = versions
        self.state = versions.state
        self.logger = logger
        self.admission = admission
        writer = Mutex(WriterState(sink: sink))
        let timer = settings.sync == .interval ? DispatchSource.makeTimerSource(queue: queue) : nil
        syncTimer = timer
        if let timer {
            let interval = DispatchTimeInterval.milliseconds(Int(settings.syncIntervalSeconds * 1000))
            timer.schedule(deadline: .now() + interval, repeating: interval)
            timer.setEventHandler { @Sendable [self] in
                writer.withLock { writer in commitIfDue(&writer) }
            }
            timer.resume()
        }
    }

    /// A flush that finds fewer results gathered than this, while at least as many more are on their way (a
    /// backlog), waits ``gatherPause`` for them before writing: batches grow from a few files to dozens, and
    /// their fixed cost (a look at the output's path, a `write`, the bookkeeping) is paid that much less
    /// often. With fewer on their way (a steady stream of files), a batch is written at once.
    static let smallBatch = 32
    static let gatherPause = DispatchTimeInterval.milliseconds(1)

    /// Adds a result to the batch being gathered, and queues a flush on the writer's queue unless one is
    /// queued already: while the writer writes and syncs, results gather for the next batch, so batches grow
    /// with load, and a worker hands over a result without waking the writer for each. `fromWorker`: the
    /// result was counted as on its way (``Admission/begin(onItsWay:)``).
    func gather(_ result: PipelineResult, fromWorker: Bool = false) {
        let scheduleFlush = gathering.withLock { gathering in
            if fromWorker { admission.arrived() }
            gathering.results.append(result)
            return gathering.claimFlush()
        }
        if scheduleFlush { queue.async { @Sendable [self] in flush() } }
    }

    /// Writes what is gathered (after a ``gatherPause`` when the batch would be small and more is coming).
    private func flush(afterPause: Bool = false) {
        dispatchPrecondition(condition: .onQueue(queue))
        if !afterPause, !isDraining.load(ordering: .relaxed),
            admission.resultsOnTheirWay >= Self.smallBatch,
            gathering.withLock({ $0.results.count < Self.smallBatch })
        {
            // The flush stays claimed meanwhile: results gathered in the pause join this batch.
            queue.asyncAfter(deadline: .now() + Self.gatherPause) { @Sendable [self] in flush(afterPause: true) }
            return
        }
        writer.withLock { writer in
            // After a failure, results wait where they are, holding their room: the sources stop, and nothing
            // more is written that could not be written or committed either.
            let batch = gathering.withLock { gathering in
                gathering.flushScheduled = false
                return writer.isPaused ? [] : Self.take(&gathering.results)
            }
            guard !batch.isEmpty else { return }
            write(batch, to: &writer)
        }
    }

    /// The results gathered so far, leaving an empty array of the same capacity in their place.
    private static func take(_ results: inout [PipelineResult]) -> [PipelineResult] {
        var taken: [PipelineResult] = []
        taken.reserveCapacity(results.count)
        swap(&taken, &results)
        return taken
    }

    /// Queues a flush when results are gathered and none is queued yet.
    func queueFlushIfResultsWait() {
        if gathering.withLock({ $0.claimFlush() }) { queue.async { @Sendable [self] in flush() } }
    }

    /// What a batch adds to the sink and to the state, decided record by record.
    private struct BatchContent {
        var sinkBatch = SinkBatch()
        var outcomes: [FileOutcome] = []
        var urls: [URLOutcome] = []
        var emitted = Set<String>()
        var recognized = Set<RecoveredLine>()
        var counts = IngestPipeline.Counters()
    }

    /// Decides what each result of `batch` adds: a new record, a duplicate, an error.
    private func content(of batch: [PipelineResult], uncommitted: UncommittedBatches) throws -> BatchContent {
        var content = BatchContent()
        for result in batch {
            var file: FileResult?
            if case .file(let fileResult) = result { file = fileResult }
            // A file's record always has the identity of the bytes read; without one there is nothing to
            // commit.
            if let file, file.identity == nil, case .record = file.outcome { continue }
            let kind: FileOutcome.Kind?
            var contentID: String?
            switch result.outcome {
            case .skipped:
                kind = nil  // for a URL, its state only (an index's validators)
            case .failure(let failure):
                content.sinkBatch.errorLines += failure.jsonLine()
                content.counts.failed += 1
                kind = file?.retryWhenReadable == true ? .unreadable : .failed
            case .record(let line, let id):
                let isDuplicate = try versions.isEmitted(
                    id, from: result.path, identity: file?.identity, born: file?.bornNanoseconds,
                    inBatch: content.emitted, recognizing: &content.recognized, uncommitted: uncommitted)
                if isDuplicate {
                    content.counts.duplicates += 1
                } else {
                    content.sinkBatch.records.append((line, id, result.path))
                    content.emitted.insert(id)
                    content.counts.emitted += 1
                }
                kind = isDuplicate ? .duplicate : .emitted
                contentID = id
            }
            switch result {
            case .url(let url):
                var commit = url.commit
                if let kind { commit.kind = kind }
                if let contentID { commit.contentID = contentID }
                content.urls.append(commit)
            case .file(let file):
                if let outcome = file.committedOutcome(kind, contentID: contentID) { content.outcomes.append(outcome) }
            }
        }
        return content
    }

    private func write(_ batch: [PipelineResult], to writer: inout WriterState) {
        let content: BatchContent
        let sink = writer.sink
        do {
            content = try self.content(of: batch, uncommitted: writer.uncommitted)
            try sink.prepare(forBatchOf: content.sinkBatch.recordBytes) { commitWaiting(&writer) }
            try sink.write(content.sinkBatch)
        } catch {
            // Nothing of this batch is written (the output's disk is full, say). It goes back before what
            // gathered since and is written after a pause; its files stay claimed meanwhile. Dropping it would
            // have its files read and parsed again at every rescan, and fail again.
            gathering.withLock { $0.results = batch + $0.results }
            // The commit that failed before the output could be reopened has paused the writer already.
            if error is UncommittedOutputError, writer.isPaused { return }
            if sink.mend(after: error, commitWaiting: { commitWaiting(&writer) }) {
                queueFlushIfResultsWait()
                return
            }
            // The state is read for each record (was its content emitted?) before anything is written, and
            // updated when the output is reopened or rotated.
            let message: Logger.Message =
                error is SQLiteError
                ? "could not read or update the state to write a batch; it is written when the state works again"
                : "could not write a batch; it is written when the output takes it"
            writer.batchWaitsUnwritten = true
            pauseAfterFailure(&writer, message, error: error)
            return
        }
        writer.batchWaitsUnwritten = false
        writer.uncommitted.outcomes += content.outcomes
        writer.uncommitted.urls += content.urls
        writer.uncommitted.emittedIDs.formUnion(content.emitted)
        writer.uncommitted.recognized.formUnion(content.recognized)
        writer.uncommitted.counts.add(content.counts)
        writer.uncommitted.resultCount += batch.count
        for result in batch {
            switch result {
            case .file(let file): writer.uncommitted.files.append(file.release)
            case .url(let url): if let told = url.whenCommitted { writer.uncommitted.whenCommitted.append(told) }
            }
        }
        // Written: the workers and URL sources may go on (the files and URLs stay claimed until committed).
        handBack(batch)
        commitIfDue(&writer)
    }

    /// Gives back what the results of a batch that was written held while they waited: a file's room in the
    /// budget (all of the batch's at once), a fetched URL's place among its source's running links (it took no
    /// room).
    private func handBack(_ batch: [PipelineResult]) {
        var files = 0
        var bytes = 0
        for result in batch {
            switch result {
            case .file(let file):
                files += 1
                bytes += file.cost
            case .url(let url):
                url.whenWritten?()
            }
        }
        admission.budget.give(files: files, bytes: bytes)
    }
}

extension BatchWriter {
    /// From now on, sync and commit every batch at once, and commit what waits for the next interval now.
    func drain() {
        isDraining.store(true, ordering: .relaxed)
        queue.async { @Sendable [self] in
            writer.withLock { writer in commitIfDue(&writer) }
        }
    }

    /// Opens the sink anew (after `logrotate` renamed the output, on `SIGHUP`), once the batches already
    /// queued are written.
    func reopenSink() {
        queue.async { @Sendable [self] in
            writer.withLock { writer in
                do {
                    let sink = writer.sink
                    try sink.reopen { commitWaiting(&writer) }
                    logger.info("reopened the output", metadata: ["path": "\(settings.outputPath)"])
                } catch {
                    logger.error(
                        "could not reopen the output; still writing to the old file",
                        metadata: ["path": "\(settings.outputPath)", "error": "\(error)"]
                    )
                }
            }
        }
    }
}
