import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem

/// Reads and parses files on a pool of Dispatch workers (``WorkerPool``) and hands the results to one writer
/// (``BatchWriter``), which writes them to a ``Sink`` and commits each batch to the state store once the sink
/// made it durable: exactly once across crashes.
///
/// In-flight work is bounded (``InFlightBudget``): a source that submits more than
/// ``PipelineSettings/maxInFlight`` files, or files of more than ``PipelineSettings/maxInFlightBytes``, waits,
/// so a backlog of any size keeps memory flat.
public final class IngestPipeline: Sendable {
    private let settings: PipelineSettings
    private let workers: WorkerPool
    private let admission: Admission
    private let writer: BatchWriter
    private let parsing: FileParsing

    /// Opens the JSONL output and error log (``JSONLSink``) and, when configured, the JetStream stream
    /// (``NATSSink``), recovers what a crash left past their committed ends, and starts the workers.
    public convenience init(settings: PipelineSettings, state: StateStore, logger: Logger) throws {
        let (sink, stream) = try Self.sink(settings, state, logger)
        try self.init(settings: settings, state: state, sink: sink, stream: stream, logger: logger)
    }

    private static func sink(_ settings: PipelineSettings, _ state: StateStore, _ logger: Logger) throws -> (
        any Sink, NATSSink.Observer?
    ) {
        guard let nats = settings.nats else {
            return (try JSONLSink(settings: settings, state: state, logger: logger), nil)
        }
        // The stream first: a server down at start stops the daemon before recovery touches anything. The
        // files' ends are committed with the stream's recovery, which publishes the lines they adopted.
        let stream = try NATSSink(settings: nats, dedupe: settings.dedupe, logger: logger)
        let file = try JSONLSink(
            settings: settings, state: state, logger: logger, keepingAdoptedLines: settings.recordsToFile,
            committingEnds: false)
        // Records written to a file stand for the stream's too (they were written first); on standard output,
        // a pipe or a device nothing can be read back, so the stream's messages are adopted instead.
        let recordsInFile = settings.recordsToFile && !file.outputIsStream
        try stream.recover(
            state: state, linesInFile: recordsInFile ? file.adoptedLines : nil, committing: file.committedEnds)
        return (FanOutSink(file: file, stream: stream, recordsToFile: settings.recordsToFile), stream.observer)
    }

    /// Starts the workers and the writer on `sink` (whose JetStream part, if any, `stream` observes).
    init(
        settings: PipelineSettings, state: StateStore, sink: sending any Sink, stream: NATSSink.Observer? = nil,
        logger: Logger
    ) throws {
        self.settings = settings
        streamObserver = stream
        workers = WorkerPool(count: settings.workers)
        admission = Admission(
            budget: InFlightBudget(maxFiles: settings.maxInFlight, maxBytes: settings.maxInFlightBytes))
        versions = VersionCheck(state: state, admission: admission, dedupe: settings.dedupe)
        writer = BatchWriter(
            settings: settings, versions: versions, sink: sink, admission: admission, logger: logger)
        limits = ParseLimits(maxParseSeconds: settings.maxParseSeconds, maxRecordBytes: settings.maxRecordBytes)
        parsing = FileParsing(maxFileBytes: settings.maxFileBytes, toneStyle: settings.toneStyle, limits: limits)
    }

    private let streamObserver: NATSSink.Observer?

    /// The JetStream sink's counts and state; `nil` when records go to no stream.
    public var stream: StreamStatus? { streamObserver?.status }

    /// What one article may cost: its parse's CPU time and its record's size (for URL sources' parses too).
    let limits: ParseLimits

    /// From now on, sync and commit every batch at once, and commit what waits for the next interval now:
    /// the daemon is stopping and ``whenIdle(queue:_:)`` should not wait for the timer.
    public func drain() { writer.drain() }

    /// Counts so far.
    public var counts: Counters { writer.counters.withLock { $0 } }

    /// While a batch cannot be written or what was written cannot be committed (a disk is full, say): what
    /// failed, how often, and the error; `nil` while the pipeline moves.
    public var pause: String? { writer.pauseReason.withLock { $0 } }

    /// When the writer last committed a batch of results, in milliseconds since 1970; `nil` before the first.
    public var lastCommitMilliseconds: Int64? {
        let time = writer.lastCommitTime.load(ordering: .relaxed)
        return time == 0 ? nil : time
    }

    /// Files and bytes in flight now, and their bounds (see ``InFlightBudget``).
    public var usage: (files: Int, bytes: Int, maxFiles: Int, maxBytes: Int) {
        let used = admission.budget.used
        return (used.files, used.bytes, admission.budget.maxFiles, admission.budget.maxBytes)
    }

    /// The one answer to "is this new?" (a file version, an index's links, a record), for the sources.
    let versions: VersionCheck

    /// Submits one file; waits while the pipeline is full. Returns false, submitting nothing, when
    /// `shouldGiveUp` turns true while waiting (the daemon is stopping) or the file is in flight already.
    /// Without `reportingDenial` (this version's denial was reported before), a denial again is not reported.
    @discardableResult
    public func submit(
        path: String,
        identity: FileIdentity,
        disposal: FileDisposal = .keep,
        reportingDenial: Bool = true,
        shouldGiveUp: () -> Bool
    ) -> Bool {
        let budget = admission.budget
        let cost = budget.cost(ofFileOfSize: identity.size)
        guard budget.take(cost, unless: shouldGiveUp) else { return false }
        guard admission.claim(identity) else {
            budget.give(files: 1, bytes: cost)
            return false
        }
        admission.begin(onItsWay: true)
        // Read from the disk while the workers parse the files before it (a backlog's files are rarely all
        // in the page cache): the worker then finds the bytes there.
        ArticleFileReader.prefetch(path, size: identity.size, limit: settings.maxFileBytes)
        workers.run { @Sendable [parsing, writer, budget] memo in
            var result = parsing.result(path: path, expected: identity, reportingDenial: reportingDenial, memo: memo)
            result.disposal = disposal
            // What waits for the writer now is the record, not the file: counted at its size when larger, so
            // that the sources wait while records many times their files' size pile up.
            result.cost = cost + budget.charge(forResultOf: result.outcome, beyond: cost)
            writer.gather(.file(result), fromWorker: true)
        }
        return true
    }

    /// Hands the writer a file's error found without reading the file (its name is not UTF-8, so no path
    /// reaches it): the error goes to the error log, and nothing is committed for the file itself. Waits, like
    /// ``submit(path:identity:disposal:shouldGiveUp:)``, while the pipeline is full.
    public func submitFailure(_ failure: ErrorRecord, shouldGiveUp: () -> Bool) {
        let cost = admission.budget.cost(ofFileOfSize: 0)
        guard admission.budget.take(cost, unless: shouldGiveUp) else { return }
        admission.begin(onItsWay: false)
        var result = FileResult(path: failure.path, claimed: nil, identity: nil, outcome: .failure(failure))
        result.cost = cost
        writer.gather(.file(result))
    }

    /// A fetched article, or a failed fetch, from a URL source: written and committed like a file's result,
    /// its validators and (for an index's link) the link committed with it.
    public enum FetchedOutcome: Sendable {
        case article(ParsedArticle, URLSourceInfo)
        case failure(ErrorRecord)
    }

    /// Hands a URL source's result to the writer as it is (a failure found without parsing anything).
    /// `committed` runs on the writer's queue once the result is committed (a batch that cannot be written
    /// or committed is tried again, never dropped).
    public func submitFetched(
        _ fetched: FetchedOutcome, commit url: URLOutcome, committed: @escaping @Sendable () -> Void = {}
    ) {
        admission.begin(onItsWay: false)
        writer.gather(.url(URLResult(outcome: outcome(of: fetched), commit: url, whenCommitted: committed)))
    }

    /// Hands a fetched response to a worker, where `produce` turns it into a result (parsing it with that
    /// worker's word memo), then to the writer. On the writer's queue, `written` runs once the result is
    /// written to the files (the response and its line are no longer held: the caller may fetch another),
    /// and `committed` once it is committed. Until then the URL is not in the state, and the caller must not
    /// fetch it again.
    public func submitFetched(
        commit url: URLOutcome,
        producing produce: @escaping @Sendable (WordMemo) -> FetchedOutcome,
        written: @escaping @Sendable () -> Void,
        committed: @escaping @Sendable () -> Void
    ) {
        admission.begin(onItsWay: true)
        workers.run { @Sendable [self] memo in
            let result = URLResult(
                outcome: outcome(of: produce(memo)), commit: url, whenWritten: written,
                whenCommitted: committed)
            writer.gather(.url(result), fromWorker: true)
        }
    }

    /// What a fetched outcome adds to the output.
    private func outcome(of fetched: FetchedOutcome) -> ResultOutcome {
        switch fetched {
        case .article(let article, let source):
            let record = ArticleRecord(article: article, source: .url(source), ingestedAt: source.fetchedAt)
            return limits.outcome(
                of: record, id: article.id, path: source.url, size: article.text.utf8.count, time: source.fetchedAt)
        case .failure(let failure):
            return .failure(failure)
        }
    }

    /// Commits a URL's state (an index's validators) after everything submitted before it, writing nothing.
    public func commitFetchState(_ url: URLOutcome) {
        admission.begin(onItsWay: false)
        writer.gather(.url(URLResult(outcome: .skipped, commit: url)))
    }

    /// Runs `body` on `queue` once everything submitted so far is written and committed (call ``drain()``
    /// first when stopping, so a batch does not wait for the next sync interval).
    public func whenIdle(queue: DispatchQueue, _ body: @escaping @Sendable () -> Void) {
        admission.whenIdle(queue: queue, body)
    }

    /// Reopens the output and the error log at their paths (after `logrotate` renamed them, on `SIGHUP`), once
    /// the batches already queued are written.
    public func reopenOutputs() { writer.reopenSink() }

    /// Runs `body` after the writer has finished what is queued before it: proof that the pipeline moves.
    public func heartbeat(_ body: @escaping @Sendable () -> Void) {
        writer.queue.async(execute: body)
    }
}
