import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem

/// The writer's commits: when the sync policy says it is time, the sink makes what was written durable and
/// the state commits the batches' outcomes with the sink's ends; a failure pauses the writer, with a
/// doubling back-off, until a commit works again.
extension BatchWriter {
    /// Under `fsync = "batch"` or `"never"`, a writer with nothing more on its way syncs and commits at once;
    /// a busy one once this many results wait (or ``stateCommitSeconds`` after the oldest was written). Each
    /// sync and each commit has a fixed cost (a journal write, whole database pages rewritten), so syncing
    /// and committing every small batch of a backlog would pay it again and again. A batch still counts as
    /// committed only after a sync has made it durable; a crash before leaves lines that start-up adopts.
    static let stateCommitFiles = 2048
    static let stateCommitSeconds = 0.25
    /// The longest pause between two attempts to write or commit, in seconds.
    static let longestPause = 30.0

    /// Commits what waits now, whatever the policy says (before the sink closes a file that holds it).
    /// - Returns: how many results still wait: not 0 when the commit failed (the writer is paused then).
    func commitWaiting(_ writer: inout WriterState) -> Int {
        commitIfDue(&writer, force: true)
        return writer.uncommitted.resultCount
    }

    /// Syncs the sink and commits what was written since the last commit, when the sync policy says it is
    /// time, when draining, or when `force`d:
    /// - `batch`: synced and committed as soon as the writer is idle, or once ``stateCommitFiles`` results or
    ///   ``stateCommitSeconds`` of batches wait.
    /// - `never`: the same, without syncs.
    /// - `interval`: synced and committed once the interval has passed.
    func commitIfDue(_ writer: inout WriterState, force: Bool = false) {
        dispatchPrecondition(condition: .onQueue(queue))
        // After a failure, nothing is tried before the pause is over: it is what keeps a broken disk from
        // being hammered.
        guard !writer.uncommitted.isEmpty, !writer.isPaused else { return }
        let now = DispatchTime.now()
        if !force, !isDraining.load(ordering: .relaxed) {
            if settings.sync == .interval {
                let elapsed = Double(now.uptimeNanoseconds - writer.lastCommit.uptimeNanoseconds) / 1e9
                guard elapsed >= settings.syncIntervalSeconds else { return }
            } else {
                let oldest = writer.oldestUncommitted ?? now
                writer.oldestUncommitted = oldest
                let waited = Double(now.uptimeNanoseconds - oldest.uptimeNanoseconds) / 1e9
                guard writer.uncommitted.resultCount >= Self.stateCommitFiles || waited >= Self.stateCommitSeconds
                else {
                    scheduleIdleCheck(&writer)
                    return
                }
            }
        }
        var uncommitted = writer.uncommitted
        do {
            try writer.sink.makeDurable(settings.sync)
            let refused = writer.sink.takeRefused()
            if !refused.isEmpty {
                // Kept even when writing their error records fails: the refusals are given once.
                defer { writer.uncommitted = uncommitted }
                try failRefused(refused, in: &uncommitted, sink: writer.sink)
            }
            try state.commit(
                uncommitted.outcomes, urls: uncommitted.urls, ends: writer.sink.committedEnds,
                forgetting: uncommitted.departed, recognized: Array(uncommitted.recognized))
        } catch {
            pauseAfterFailure(
                &writer, "could not sync the output or commit the state; new files wait until it works again",
                error: error)
            return
        }
        if writer.failedAttempts > 0, !writer.batchWaitsUnwritten {
            pauseReason.withLock { $0 = nil }
            logger.notice(
                "the output is written and synced and the state committed again; taking new files again",
                metadata: ["files": "\(uncommitted.resultCount)", "failed_attempts": "\(writer.failedAttempts)"])
            writer.failedAttempts = 0
        }
        writer.uncommitted = UncommittedBatches()
        writer.oldestUncommitted = nil
        writer.lastCommit = DispatchTime.now()
        lastCommitTime.store(WallClock.nowMilliseconds(), ordering: .relaxed)
        counters.withLock { $0.add(uncommitted.counts) }
        writer.uncommitted.departed += release(uncommitted)
        for tell in uncommitted.whenCommitted { tell() }
    }

    /// Turns the records the sink's destination refused for good into failures: an error record each
    /// (`code = "refused"`, written and made durable with the others), its outcome failed, its content id no
    /// longer emitted; unless another destination kept it (the JSONL file beside a stream): then only the
    /// error record says where it is missing.
    private func failRefused(_ refused: [RefusedRecord], in uncommitted: inout UncommittedBatches, sink: any Sink)
        throws
    {
        var errors = SinkBatch()
        var refusedKeys = Set<RecoveredLine>()
        for record in refused {
            logger.error(
                "the stream refused a record; it goes to the error log",
                metadata: ["path": "\(record.source)", "id": "\(record.recordID)", "reason": "\(record.reason)"])
            errors.errorLines += ErrorRecord(
                time: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds()), path: record.source,
                reason: "the JetStream stream refused the record: \(record.reason)", code: "refused", size: nil
            ).jsonLine()
            guard !record.isKeptElsewhere else { continue }
            refusedKeys.insert(RecoveredLine(path: record.source, id: record.recordID))
            uncommitted.emittedIDs.remove(record.recordID)
        }
        func isRefused(_ kind: FileOutcome.Kind, _ source: String, _ id: String?) -> Bool {
            kind == .emitted && id.map { refusedKeys.contains(RecoveredLine(path: source, id: $0)) } == true
        }
        for index in uncommitted.outcomes.indices {
            let outcome = uncommitted.outcomes[index]
            if isRefused(outcome.kind, outcome.path, outcome.contentID) { uncommitted.outcomes[index].kind = .failed }
        }
        for index in uncommitted.urls.indices {
            let outcome = uncommitted.urls[index]
            if isRefused(outcome.kind, outcome.url, outcome.contentID) { uncommitted.urls[index].kind = .failed }
        }
        uncommitted.counts.emitted -= refusedKeys.count
        uncommitted.counts.failed += refusedKeys.count
        try sink.write(errors)
        try sink.makeDurable(settings.sync)
    }

    /// A batch could not be written, or what was written could not be synced or committed (a disk is full,
    /// say). Nothing is given up: lines written are in the output, and taking their files again would write
    /// them twice; a batch not written waits with its files claimed. The writer writes and commits nothing
    /// until a pause, doubling up to ``longestPause``, is over, then tries again (``retryAfterPause()``); a
    /// restart meanwhile adopts the lines written.
    func pauseAfterFailure(_ writer: inout WriterState, _ message: Logger.Message, error: any Error) {
        writer.failedAttempts += 1
        writer.isPaused = true
        let pause = min(Self.longestPause, 0.5 * Double(1 << min(writer.failedAttempts - 1, 10)))
        let reason = "\(message) (attempt \(writer.failedAttempts)): \(error)"
        pauseReason.withLock { $0 = reason.replacing("\n", with: " ") }  // one line, for STATUS=
        // What waits: written and not committed, or gathered (a batch that could not be written among them).
        let waiting = writer.uncommitted.resultCount + gathering.withLock { $0.results.count }
        // An unreachable stream is one outage, logged once here (its connection logs the loss and the
        // return); a disk that keeps failing is logged at each attempt.
        let isRepeatedOutage = writer.failedAttempts > 1 && (error as? NATSError)?.isTransient == true
        logger.log(
            level: isRepeatedOutage ? .debug : .error,
            message,
            metadata: [
                "files": "\(waiting)", "error": "\(error)",
                "attempt": "\(writer.failedAttempts)", "next_attempt_in": "\(pause)s",
            ])
        queue.asyncAfter(deadline: .now() + pause) { @Sendable [self] in retryAfterPause() }
    }

    /// Commits what waits, then writes what gathered meanwhile (a batch that could not be written first).
    private func retryAfterPause() {
        let isPaused = writer.withLock { writer in
            writer.isPaused = false
            commitIfDue(&writer, force: true)
            return writer.isPaused
        }
        guard !isPaused else { return }
        queueFlushIfResultsWait()
    }

    /// Queues a look, behind what the writer's queue holds now, at whether more results are gathered or on
    /// their way: if not, the writer is idle and commits what waits now rather than when the thresholds are
    /// reached.
    private func scheduleIdleCheck(_ writer: inout WriterState) {
        guard !writer.idleCheckScheduled else { return }
        writer.idleCheckScheduled = true
        queue.async { @Sendable [self] in commitIfIdle() }
    }

    /// Commits what waits unless more results are on their way or gathered. Each of those is written in a
    /// batch whose end commits or looks again; and a worker slow on one large file does not hold back what
    /// waits past ``stateCommitSeconds``: the writer looks again then.
    private func commitIfIdle() {
        let isIdle = gathering.withLock { $0.results.isEmpty && admission.resultsOnTheirWay == 0 }
        writer.withLock { writer in
            guard !isIdle else {
                writer.idleCheckScheduled = false
                commitIfDue(&writer, force: true)
                return
            }
            queue.asyncAfter(deadline: .now() + Self.stateCommitSeconds) { @Sendable [self] in
                self.writer.withLock { writer in
                    writer.idleCheckScheduled = false
                    commitIfDue(&writer)
                }
            }
        }
    }

    /// Ends the turn in the pipeline of what was committed: a committed file (one with an identity) is kept,
    /// moved or deleted as configured, its claim released, and the pieces of work finished.
    /// - Returns: the committed files that left their directory (moved or deleted), whose state rows the
    ///   next commit drops: a scan cannot find them again, so remembering them would only grow the state.
    private func release(_ committed: UncommittedBatches) -> [FileIdentity] {
        // Only now, with the outcome durable, may a file be moved or deleted (skipped files have no identity:
        // nothing of them was committed).
        var departed: [FileIdentity] = []
        for file in committed.files {
            guard let identity = file.identity else { continue }
            if file.disposal.apply(to: file.path, failed: file.failed, logger: logger) { departed.append(identity) }
        }
        admission.finish(committed.resultCount, claims: committed.files.compactMap(\.claimed))
        return departed
    }
}
