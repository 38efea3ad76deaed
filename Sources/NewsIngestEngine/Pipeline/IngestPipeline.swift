import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem
import Synchronization

/// Reads and parses files on a pool of Dispatch workers and hands the results to one writer, which appends
/// them to the output, syncs, and commits the batch to the state store: exactly once across crashes.
///
/// In-flight work is bounded (``InFlightBudget``): a source that submits more than
/// ``PipelineSettings/maxInFlight`` files, or files of more than ``PipelineSettings/maxInFlightBytes``, waits,
/// so a backlog of any size keeps memory flat.
public final class IngestPipeline: Sendable {
    private let settings: PipelineSettings
    private let state: StateStore
    private let logger: Logger
    private let workers: [DispatchQueue]
    /// One memo of word facts per worker, used only on that worker's queue.
    private let memos: [WordMemo]
    private let nextWorker = Atomic<Int>(0)
    private let budget: InFlightBudget
    private let inFlight = Mutex(FilesInFlight())
    private let pendingWork = DispatchGroup()
    private let writerQueue = DispatchQueue(label: "newsingest.writer")
    private let writer: Mutex<Writer>
    /// The batch being gathered, under its own lock: a worker handing over a result never waits for the
    /// writer's `write`, sync and commit.
    private let gathering = Mutex(Gathering())
    /// Results submitted and not yet gathered (being read, parsed or fetched, or on their way to the writer):
    /// while there are some, the writer is not idle.
    private let onTheirWay = Atomic<Int>(0)
    private let counters = Mutex(Counters())
    /// When the writer last committed a batch (milliseconds since 1970); 0 before the first.
    private let lastCommitTime = Atomic<Int64>(0)
    /// Why the writer is paused, while it is (see ``pause``).
    private let pauseReason = Mutex<String?>(nil)
    /// Set when the daemon stops: from then on every batch is synced and committed at once.
    private let isDraining = Atomic<Bool>(false)
    /// Commits what an idle pipeline wrote, under `fsync = "interval"`. Set once in `init` and only kept
    /// alive after; its handler runs on the writer's queue.
    nonisolated(unsafe) private let syncTimer: (any DispatchSourceTimer)?

    /// Counts since start, for logs and status.
    public struct Counters: Sendable {
        public var emitted = 0
        public var duplicates = 0
        public var failed = 0
    }

    /// What the writer owns: the files, and what was written but is not yet synced and committed.
    private struct Writer: ~Copyable {
        var output: JSONLOutput
        var errors: JSONLOutput
        var uncommitted = Uncommitted()
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
    }

    /// Under `fsync = "batch"` or `"never"`, a writer with nothing more on its way syncs and commits at once;
    /// a busy one once this many files wait (or ``stateCommitSeconds`` after the oldest was written). Each
    /// sync and each commit has a fixed cost (a journal write, whole database pages rewritten), so syncing
    /// and committing every small batch of a backlog would pay it again and again. A batch still counts as
    /// committed only after a sync has made it durable; a crash before leaves lines that start-up adopts.
    static let stateCommitFiles = 2048
    static let stateCommitSeconds = 0.25

    /// Results handed over by the workers since the last flush, and whether a flush is queued.
    private struct Gathering {
        var results: [FileResult] = []
        var flushScheduled = false

        /// True, once, when a flush should be queued: results wait and none is queued yet.
        mutating func claimFlush() -> Bool {
            guard !flushScheduled, !results.isEmpty else { return false }
            flushScheduled = true
            return true
        }
    }

    /// Batches written to the files and waiting for the sync and commit that ``commitIfDue(_:force:)`` makes
    /// when the sync policy says it is time.
    private struct Uncommitted {
        var outcomes: [FileOutcome] = []
        /// Every file of the batches: its claim is released, and a kept, moved or deleted file disposed of,
        /// once committed.
        var files:
            [(path: String, claimed: FileIdentity?, identity: FileIdentity?, disposal: FileDisposal, failed: Bool)] = []
        /// What became of fetched URLs.
        var urls: [URLOutcome] = []
        /// Content ids emitted, for `dedupe = "content"` across batches not yet in the state.
        var emittedIDs = Set<String>()
        var counts = Counters()
        /// What to tell the submitters of fetched results once their batch is committed.
        var whenCommitted: [@Sendable () -> Void] = []
        /// Files moved or deleted after an earlier commit: their state rows go with this one.
        var departed: [FileIdentity] = []
        /// Recovered lines that results turned out to be, consumed with the commit.
        var recognized = Set<RecoveredLine>()
    }

    /// One file read and parsed by a worker.
    private struct FileResult {
        enum Outcome {
            case record(line: [UInt8], id: String)
            case failure(ErrorRecord)
            /// The file vanished or changed under the worker; the next event or scan takes it again.
            case skipped
        }
        var path: String
        /// The identity the source submitted (and claimed in the in-flight set); `nil` for a fetched URL.
        var claimed: FileIdentity?
        /// The identity of the bytes read; `nil` when nothing was read.
        var identity: FileIdentity?
        /// When the file read was made, where its file system says (see ``FileStatus/bornNanoseconds``).
        var bornNanoseconds: Int64?
        var outcome: Outcome
        /// What to do with the file once committed.
        var disposal: FileDisposal = .keep
        /// For a fetched URL: what to commit for it (its kind is decided by the writer).
        var url: URLOutcome?
        /// The file could not be read for want of permission: it stays where it is (no quarantine), and a
        /// scan takes it again once it is readable.
        var retryWhenReadable = false
        /// What the file holds of the byte budget until it is written (nothing for a fetched URL, which takes
        /// no room in the budget).
        var cost = 0
        /// For a fetched URL: run on the writer's queue once the result is written to the files, as a file's
        /// slot is given back then.
        var whenWritten: (@Sendable () -> Void)?
        /// For a fetched URL: run on the writer's queue once the result is committed.
        var whenCommitted: (@Sendable () -> Void)?
    }

    /// Opens the output and error log, recovers what a crash left past the committed end, and starts the
    /// workers.
    public init(settings: PipelineSettings, state: StateStore, logger: Logger) throws {
        self.settings = settings
        self.state = state
        self.logger = logger
        self.budget = InFlightBudget(maxFiles: settings.maxInFlight, maxBytes: settings.maxInFlightBytes)
        self.workers = (0..<max(1, settings.workers)).map { DispatchQueue(label: "newsingest.worker.\($0)") }
        self.memos = workers.map { _ in WordMemo() }
        let output = try JSONLOutput(path: settings.outputPath)
        let errors = try JSONLOutput(path: settings.errorsPath)
        if !output.isStream {
            try Self.recover(output, state: state, logger: logger)
            try state.commit([], ends: [output.end])
        }
        if !errors.isStream {
            try Self.discardUncommittedErrors(errors, state: state, logger: logger)
            try state.commit([], ends: [errors.end])
        }
        writer = Mutex(Writer(output: output, errors: errors))
        syncTimer = settings.sync == .interval ? DispatchSource.makeTimerSource(queue: writerQueue) : nil
        if let syncTimer {
            let interval = DispatchTimeInterval.milliseconds(Int(settings.syncIntervalSeconds * 1000))
            syncTimer.schedule(deadline: .now() + interval, repeating: interval)
            syncTimer.setEventHandler { @Sendable [self] in
                writer.withLock { writer in commitIfDue(&writer) }
            }
            syncTimer.resume()
        }
    }

    /// From now on, sync and commit every batch at once, and commit what waits for the next interval now:
    /// the daemon is stopping and ``whenIdle(queue:_:)`` should not wait for the timer.
    public func drain() {
        isDraining.store(true, ordering: .relaxed)
        writerQueue.async { @Sendable [self] in
            writer.withLock { writer in commitIfDue(&writer) }
        }
    }

    /// Counts so far.
    public var counts: Counters { counters.withLock { $0 } }

    /// While a batch cannot be written or what was written cannot be committed (a disk is full, say): what
    /// failed, how often, and the error; `nil` while the pipeline moves.
    public var pause: String? { pauseReason.withLock { $0 } }

    /// Recovers what a crash left past the committed end of `output`: its whole lines are adopted (they stand
    /// for their files, which are not emitted again), a torn last line is cut. When the file committed last
    /// is another than the one at the path now, and lies renamed beside it (`logrotate` moved it, and the
    /// crash came before the daemon reopened the path), that is where the crash left them.
    private static func recover(_ output: JSONLOutput, state: StateStore, logger: Logger) throws {
        let committed = try state.committedEnd(ofOutput: output.path)
        if let committed, let renamed = renamedFile(of: committed, besides: output) {
            try adopt(from: JSONLOutput(path: renamed), after: committed.offset, state: state, logger: logger)
            return
        }
        let offset = committed?.offset ?? 0
        if let committed, !committed.mayBe(device: output.opened.device, inode: output.opened.inode) {
            logger.info(
                "the output is another file than the one committed last, which was moved elsewhere, compressed or deleted",
                metadata: [
                    "path": "\(output.path)", "committed_inode": "\(committed.file.map { "\($0.inode)" } ?? "")",
                ])
        } else if output.size < offset {
            logger.warning(
                "output is shorter than its committed end; it was truncated or replaced by hand",
                metadata: ["path": "\(output.path)", "size": "\(output.size)", "committed": "\(offset)"])
        }
        try adopt(from: output, after: min(offset, output.size), state: state, logger: logger)
    }

    /// Adopts the whole lines of `file` past `offset`, and cuts a torn last line, saying so.
    private static func adopt(from file: JSONLOutput, after offset: Int64, state: StateStore, logger: Logger) throws {
        let recovery = try file.recover(committedOffset: offset) { lines in
            try state.adoptRecoveredLines(lines.map(Self.findingItsFile))
        }
        if recovery.cutBytes > 0 {
            logger.warning(
                "cut a torn last line left by a crash",
                metadata: ["path": "\(file.path)", "bytes": "\(recovery.cutBytes)"])
        }
        if recovery.adoptedLines > 0 || recovery.unreadableLines > 0 {
            logger.notice(
                "adopted lines written before a crash but not committed",
                metadata: [
                    "path": "\(file.path)", "lines": "\(recovery.adoptedLines)",
                    "unreadable": "\(recovery.unreadableLines)",
                ])
        }
    }

    /// Cuts the error lines past the committed end of the error log (in the file committed last, when it lies
    /// renamed beside the path): they belong to a batch a crash cut short, whose files are taken again and
    /// fail again, so the lines are cut rather than kept twice (or torn).
    private static func discardUncommittedErrors(_ errors: JSONLOutput, state: StateStore, logger: Logger) throws {
        guard let committed = try state.committedEnd(ofOutput: errors.path) else { return }
        let file = try renamedFile(of: committed, besides: errors).map(JSONLOutput.init(path:)) ?? errors
        let cut = try file.discardUncommitted(committedOffset: committed.offset)
        if cut > 0 {
            logger.notice(
                "cut error lines of a batch that was not committed; its files are taken again",
                metadata: ["path": "\(file.path)", "bytes": "\(cut)"])
        }
    }

    /// The path of the file `committed` names when it is not the file open as `current` and lies renamed in
    /// the same directory; `nil` when it is the same file, the end names none (an earlier schema), or it is
    /// not found there.
    private static func renamedFile(of committed: OutputEnd, besides current: JSONLOutput) -> String? {
        guard let file = committed.file, !committed.mayBe(device: current.opened.device, inode: current.opened.inode)
        else { return nil }
        return JSONLOutput.renamedFile(of: current.path, device: file.device, inode: file.inode)
    }

    /// `line` with the file found at its path when that is the file its record describes (its size and
    /// modification time), and its file system keeps birth times: so the line is recognized as that file's,
    /// renamed or touched before it is read again. A record that gives its file's birth time needs no look.
    private static func findingItsFile(_ line: AdoptedLine) -> AdoptedLine {
        guard line.recorded == nil, let path = line.path, let file = line.file,
            let status = try? FileStatus(withBirthTimeOf: path),
            status.isRegularFile, status.size == file.size,
            Timestamp(millisecondsSince1970: status.modifiedMilliseconds).rfc3339 == file.modifiedAt,
            let born = status.bornNanoseconds
        else { return line }
        var found = line
        found.found = (status.device, status.inode, born)
        return found
    }

    /// When the writer last committed a batch of results, in milliseconds since 1970; `nil` before the first.
    public var lastCommitMilliseconds: Int64? {
        let time = lastCommitTime.load(ordering: .relaxed)
        return time == 0 ? nil : time
    }

    /// Files and bytes in flight now, and their bounds (see ``InFlightBudget``).
    public var usage: (files: Int, bytes: Int, maxFiles: Int, maxBytes: Int) {
        let used = budget.used
        return (used.files, used.bytes, budget.maxFiles, budget.maxBytes)
    }

    /// Whether this file version, or another version of the same file, is being read, parsed or written now.
    func flightStatus(of identity: FileIdentity) -> FilesInFlight.Status {
        inFlight.withLock { $0.status(of: identity) }
    }

    /// Submits one file; waits while the pipeline is full. Returns false, submitting nothing, when
    /// `shouldGiveUp` turns true while waiting (the daemon is stopping) or the file is in flight already.
    @discardableResult
    public func submit(
        path: String,
        identity: FileIdentity,
        disposal: FileDisposal = .keep,
        shouldGiveUp: () -> Bool
    ) -> Bool {
        let cost = budget.cost(ofFileOfSize: identity.size)
        guard budget.take(cost, unless: shouldGiveUp) else { return false }
        let isNew = inFlight.withLock { $0.insert(identity) }
        guard isNew else {
            budget.give(files: 1, bytes: cost)
            return false
        }
        pendingWork.enter()
        onTheirWay.add(1, ordering: .relaxed)
        let workerIndex = nextWorkerIndex()
        workers[workerIndex].async { @Sendable [self] in
            var result = process(path: path, expected: identity, memo: memos[workerIndex])
            result.disposal = disposal
            result.cost = cost
            gather(result, fromWorker: true)
        }
        return true
    }

    /// Hands the writer a file's error found without reading the file (its name is not UTF-8, so no path
    /// reaches it): the error goes to the error log, and nothing is committed for the file itself. Waits, like
    /// ``submit(path:identity:disposal:shouldGiveUp:)``, while the pipeline is full.
    public func submitFailure(_ failure: ErrorRecord, shouldGiveUp: () -> Bool) {
        let cost = budget.cost(ofFileOfSize: 0)
        guard budget.take(cost, unless: shouldGiveUp) else { return }
        pendingWork.enter()
        var result = FileResult(path: failure.path, claimed: nil, identity: nil, outcome: .failure(failure))
        result.cost = cost
        gather(result)
    }

    /// The worker to take the next job, in turn.
    private func nextWorkerIndex() -> Int {
        nextWorker.wrappingAdd(1, ordering: .relaxed).oldValue % workers.count
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
        pendingWork.enter()
        var result = Self.fetchedResult(fetched, commit: url)
        result.whenCommitted = committed
        gather(result)
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
        pendingWork.enter()
        onTheirWay.add(1, ordering: .relaxed)
        let workerIndex = nextWorkerIndex()
        workers[workerIndex].async { @Sendable [self] in
            var result = Self.fetchedResult(produce(memos[workerIndex]), commit: url)
            result.whenWritten = written
            result.whenCommitted = committed
            gather(result, fromWorker: true)
        }
    }

    private static func fetchedResult(_ fetched: FetchedOutcome, commit url: URLOutcome) -> FileResult {
        let outcome: FileResult.Outcome
        switch fetched {
        case .article(let article, let source):
            let record = ArticleRecord(article: article, source: .url(source), ingestedAt: source.fetchedAt)
            outcome = .record(line: record.jsonLine(), id: article.id)
        case .failure(let failure):
            outcome = .failure(failure)
        }
        return FileResult(path: url.url, claimed: nil, identity: nil, outcome: outcome, url: url)
    }

    /// Commits a URL's state (an index's validators) after everything submitted before it, writing nothing.
    public func commitFetchState(_ url: URLOutcome) {
        pendingWork.enter()
        let result = FileResult(path: url.url, claimed: nil, identity: nil, outcome: .skipped, url: url)
        gather(result)
    }

    /// Runs `body` on `queue` once everything submitted so far is written and committed (call ``drain()``
    /// first when stopping, so a batch does not wait for the next sync interval).
    public func whenIdle(queue: DispatchQueue, _ body: @escaping @Sendable () -> Void) {
        pendingWork.notify(queue: queue, execute: body)
    }

    /// Reopens the output and the error log at their paths (after `logrotate` renamed them, on `SIGHUP`), once
    /// the batches already queued are written.
    public func reopenOutputs() {
        writerQueue.async { @Sendable [self] in
            writer.withLock { writer in
                do {
                    try reopen(&writer)
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

    /// Opens the output and error log anew and commits the new file's size as its committed end: what is in
    /// a freshly opened file was put there by someone else (logrotate's `create`), not by an unfinished batch.
    private func reopen(_ writer: inout Writer) throws {
        guard !writer.output.isStream else { return }
        // What is written but not committed belongs to the files being closed: commit it first, and keep them
        // while that fails (see ``UncommittedOutputError``).
        commitIfDue(&writer, force: true)
        guard writer.uncommitted.files.isEmpty else {
            throw UncommittedOutputError(files: writer.uncommitted.files.count)
        }
        let output = try openMakingItsDirectory(settings.outputPath)
        let errors = try openMakingItsDirectory(settings.errorsPath)
        try state.commit([], ends: Self.ends(of: output, errors))
        writer.output = output
        writer.errors = errors
    }

    /// Opens the file at `path` for appending; when its directory is gone (someone cleaned up `out/` while the
    /// daemon ran), makes it again, as at start, rather than waiting for ever for someone to.
    private func openMakingItsDirectory(_ path: String) throws -> JSONLOutput {
        if let directory = JSONLOutput.directory(containing: path), (try? FileStatus(path: directory)) == nil {
            try DirectoryMaker.make(directory)
            logger.warning(
                "the directory of a file the daemon writes was removed; made it again",
                metadata: ["directory": "\(directory)", "path": "\(path)"])
        }
        return try JSONLOutput(path: path)
    }

    /// Reopens the output and the error log when someone removed, moved, replaced or truncated either since
    /// the last batch, so that no line goes into a file nobody will read: `logrotate` without the `SIGHUP`
    /// of its `postrotate`, an `rm`, or `copytruncate`.
    private func reopenIfChangedOutside(_ writer: inout Writer) throws {
        var changed = false
        for file in [writer.output, writer.errors] {
            guard let change = file.outsideChange() else { continue }
            changed = true
            // Logrotate should send SIGHUP in postrotate, and use create rather than copytruncate.
            logger.warning(
                "a file the daemon writes was changed by someone else; opening its path anew",
                metadata: ["path": "\(file.path)", "change": "\(change.rawValue)"])
        }
        if changed { try reopen(&writer) }
    }

    /// The committed ends to record for these files (none for standard output).
    private static func ends(of files: JSONLOutput...) -> [OutputEnd] {
        files.filter { !$0.isStream }.map(\.end)
    }

    /// Rotates the output when the batch would take it past `rotateBytes`, or on a new UTC day.
    private func rotateIfDue(_ writer: inout Writer, adding bytes: Int) throws {
        guard !writer.output.isStream, writer.output.size > 0 else { return }
        let today = WallClock.nowMilliseconds() / 86_400_000
        let bySize = settings.rotateBytes > 0 && writer.output.size + Int64(bytes) > Int64(settings.rotateBytes)
        let byDay = settings.rotateDaily && today != writer.output.openedDay
        guard bySize || byDay else { return }
        try rotate(&writer, reason: bySize ? "size" : "date")
    }

    /// The two files the writer appends to, by what the log calls them.
    private enum WrittenFile: String {
        case output
        case errorLog = "error log"

        /// This file, as `writer` has it open.
        func open(in writer: borrowing Writer) -> JSONLOutput { self == .output ? writer.output : writer.errors }
    }

    /// Renames the output (or the error log) to a dated name beside it and opens a new one at its path.
    private func rotate(_ writer: inout Writer, _ file: WrittenFile = .output, reason: String) throws {
        // Commit what the file holds before it is renamed: the committed end belongs to the path. When that
        // fails (the writer pauses), the file keeps its lines and its name: renamed, its uncommitted lines
        // would be synced by no later commit, and a crash would leave them where start-up does not look, so
        // their files would be taken and written again. The rotation waits for a batch after the pause.
        commitIfDue(&writer, force: true)
        guard writer.uncommitted.files.isEmpty else { return }
        let open = file.open(in: writer)
        let rotated = try open.rename()
        try reopen(&writer)
        logger.info(
            "rotated the \(file.rawValue)",
            metadata: ["path": "\(open.path)", "to": "\(rotated)", "reason": "\(reason)"])
    }

    /// After a batch could not be written: when the output or the error log had reached the largest file the
    /// system lets the daemon write (`EFBIG`: systemd's `LimitFSIZE=`, a FAT file system's 4 GiB), no pause
    /// can help, so that file is rotated (the output as `output.rotate_bytes` would have), and true is
    /// returned: the batch goes into the new file at once. An empty file is not rotated: a batch larger than
    /// the limit waits as after any failure.
    private func rotateAtTheFileSizeLimit(_ writer: inout Writer, after error: any Error) -> Bool {
        guard let error = error as? SystemCallError, error.isFileTooLarge,
            let file = [WrittenFile.output, .errorLog].first(where: {
                $0.open(in: writer).path == error.subject
            })
        else { return false }
        let open = file.open(in: writer)
        guard !open.isStream, open.size > 0 else { return false }
        let advice = file == .output ? " (set output.rotate_bytes below the limit to rotate before)" : ""
        logger.warning(
            "the \(file.rawValue) reached the largest file size the system allows; rotating it\(advice)",
            metadata: ["path": "\(open.path)", "size": "\(open.size)"])
        do {
            try rotate(&writer, file, reason: "limit")
        } catch {
            logger.error("could not rotate the \(file.rawValue)", metadata: ["error": "\(error)"])
            return false
        }
        return !writer.isPaused
    }

    /// Runs `body` after the writer has finished what is queued before it: proof that the pipeline moves.
    public func heartbeat(_ body: @escaping @Sendable () -> Void) {
        writerQueue.async(execute: body)
    }

    // MARK: - Workers

    private func process(path: String, expected: FileIdentity, memo: WordMemo) -> FileResult {
        let now = Timestamp(millisecondsSince1970: WallClock.nowMilliseconds())
        do {
            let file = try ArticleFileReader.readFile(path, limit: settings.maxFileBytes)
            let identity = FileIdentity(file.status)
            guard identity.size == Int64(file.bytes.count) else {
                // Still being written: the next event or scan takes it again.
                return FileResult(path: path, claimed: expected, identity: nil, outcome: .skipped)
            }
            do {
                let article = try ArticleParser(toneStyle: settings.toneStyle).parse(file.bytes, memo: memo)
                let record = ArticleRecord(article: article, source: .file(file.source), ingestedAt: now)
                return FileResult(
                    path: path, claimed: expected, identity: identity, bornNanoseconds: file.status.bornNanoseconds,
                    outcome: .record(line: record.jsonLine(), id: article.id))
            } catch {
                let failure = ErrorRecord(
                    time: now,
                    path: path,
                    reason: error.description,
                    code: error.code.rawValue,
                    size: file.bytes.count
                )
                return FileResult(
                    path: path, claimed: expected, identity: identity, bornNanoseconds: file.status.bornNanoseconds,
                    outcome: .failure(failure))
            }
        } catch let error as SystemCallError where error.isFileMissing {
            // Gone (moved or deleted) before it was read.
            return FileResult(path: path, claimed: expected, identity: nil, outcome: .skipped)
        } catch let error as SystemCallError where error.isPermissionDenied {
            // Reported once; a file whose owner or mode is put right is taken at once (the `chmod` is an
            // inotify event) or at the next scan, though the state still finds it by its size and modification
            // time, which a `chmod` does not change.
            let failure = ErrorRecord(
                time: now, path: path,
                reason: "\(error); it is taken once it may be read (give the daemon's user read permission)",
                code: "permission_denied", size: Int(expected.size))
            var result = FileResult(path: path, claimed: expected, identity: expected, outcome: .failure(failure))
            result.retryWhenReadable = true
            return result
        } catch {
            // Unreadable or too large: remembered by the identity the source saw, so it is not retried until
            // it changes.
            let failure = ErrorRecord(
                time: now,
                path: path,
                reason: "\(error)",
                code: error is FileTooLargeError ? "too_large" : "io",
                size: Int(expected.size)
            )
            return FileResult(path: path, claimed: expected, identity: expected, outcome: .failure(failure))
        }
    }

    // MARK: - Writer

    /// Adds a result to the batch being gathered, and queues a flush on the writer's queue unless one is
    /// queued already: while the writer writes and syncs, results gather for the next batch, so batches grow
    /// with load, and a worker hands over a result without waking the writer for each. `fromWorker`: the
    /// result was counted among those ``onTheirWay``.
    private func gather(_ result: FileResult, fromWorker: Bool = false) {
        let scheduleFlush = gathering.withLock { gathering in
            if fromWorker { onTheirWay.subtract(1, ordering: .relaxed) }
            gathering.results.append(result)
            return gathering.claimFlush()
        }
        if scheduleFlush { writerQueue.async { @Sendable [self] in flush() } }
    }

    /// A flush that finds fewer results gathered than this, while at least as many more are on their way (a
    /// backlog), waits ``gatherPause`` for them before writing: batches grow from a few files to dozens, and
    /// their fixed cost (a look at the output's path, a `write`, the bookkeeping) is paid that much less
    /// often. With fewer on their way (a steady stream of files), a batch is written at once.
    static let smallBatch = 32
    static let gatherPause = DispatchTimeInterval.milliseconds(1)

    /// Writes what is gathered (after a ``gatherPause`` when the batch would be small and more is coming).
    private func flush(afterPause: Bool = false) {
        if !afterPause, !isDraining.load(ordering: .relaxed),
            onTheirWay.load(ordering: .relaxed) >= Self.smallBatch,
            gathering.withLock({ $0.results.count < Self.smallBatch })
        {
            // The flush stays claimed meanwhile: results gathered in the pause join this batch.
            writerQueue.asyncAfter(deadline: .now() + Self.gatherPause) { @Sendable [self] in flush(afterPause: true) }
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
    private static func take(_ results: inout [FileResult]) -> [FileResult] {
        var taken: [FileResult] = []
        taken.reserveCapacity(results.count)
        swap(&taken, &results)
        return taken
    }

    private func write(_ batch: [FileResult], to writer: inout Writer) {
        var lines: [UInt8] = []
        var errorLines: [UInt8] = []
        var outcomes: [FileOutcome] = []
        var emittedInBatch = Set<String>()
        var recognizedInBatch = Set<RecoveredLine>()
        var counts = Counters()
        var urls: [URLOutcome] = []
        do {
            for result in batch {
                // A file's record always has the identity of the bytes read; without one there is nothing
                // to commit.
                if result.url == nil, result.identity == nil, case .record = result.outcome { continue }
                let kind: FileOutcome.Kind?
                var contentID: String?
                switch result.outcome {
                case .skipped:
                    kind = nil  // for a URL, its state only (an index's validators)
                case .failure(let failure):
                    errorLines += failure.jsonLine()
                    counts.failed += 1
                    kind = result.retryWhenReadable ? .unreadable : .failed
                case .record(let line, let id):
                    let isDuplicate = try isEmitted(
                        id, from: result.path, identity: result.identity, born: result.bornNanoseconds,
                        inBatch: emittedInBatch,
                        recognizing: &recognizedInBatch, uncommitted: writer.uncommitted)
                    if isDuplicate {
                        counts.duplicates += 1
                    } else {
                        lines += line
                        emittedInBatch.insert(id)
                        counts.emitted += 1
                    }
                    kind = isDuplicate ? .duplicate : .emitted
                    contentID = id
                }
                if var url = result.url {
                    if let kind { url.kind = kind }
                    if let contentID { url.contentID = contentID }
                    urls.append(url)
                } else if let identity = result.identity, let kind {
                    outcomes.append(
                        FileOutcome(
                            identity: identity, path: result.path, contentID: contentID, kind: kind,
                            bornNanoseconds: result.bornNanoseconds))
                }
            }
            try reopenIfChangedOutside(&writer)
            try rotateIfDue(&writer, adding: lines.count)
            let ends = (output: writer.output.size, errors: writer.errors.size)
            do {
                try writer.output.append(lines)
                try writer.errors.append(errorLines)
            } catch {
                // A failed or short write may leave a partial line, and the output's lines must not stay
                // without the error log's: both are cut back to where the batch began.
                writer.output.cutBack(to: ends.output)
                writer.errors.cutBack(to: ends.errors)
                throw error
            }
        } catch {
            // Nothing of this batch is written (the output's disk is full, say). It goes back before what
            // gathered since and is written after a pause; its files stay claimed meanwhile. Dropping it would
            // have its files read and parsed again at every rescan, and fail again.
            gathering.withLock { $0.results = batch + $0.results }
            // The commit that failed before the output could be reopened has paused the writer already.
            if error is UncommittedOutputError, writer.isPaused { return }
            if rotateAtTheFileSizeLimit(&writer, after: error) {
                queueFlushIfResultsWait()
                return
            }
            // The state is read for each record (was its content emitted?) before anything is written, and
            // updated when the output is reopened or rotated.
            let message: Logger.Message =
                error is SQLiteError
                ? "could not read or update the state to write a batch; it is written when the state works again"
                : "could not write a batch; it is written when the output takes it"
            pauseAfterFailure(&writer, message, error: error)
            return
        }
        writer.uncommitted.outcomes += outcomes
        writer.uncommitted.urls += urls
        writer.uncommitted.emittedIDs.formUnion(emittedInBatch)
        writer.uncommitted.recognized.formUnion(recognizedInBatch)
        writer.uncommitted.counts.add(counts)
        writer.uncommitted.whenCommitted += batch.compactMap(\.whenCommitted)
        for result in batch {
            var failed = false
            if case .failure = result.outcome { failed = true }
            writer.uncommitted.files.append(
                (
                    result.path, result.claimed, result.identity, result.retryWhenReadable ? .keep : result.disposal,
                    failed
                ))
        }
        // Written: the workers and URL sources may go on (the files and URLs stay claimed until committed).
        handBack(batch)
        commitIfDue(&writer)
    }

    /// Gives back what the results of a batch that was written held while they waited: a file's room in the
    /// budget (all of the batch's at once), a fetched URL's place among its source's running links (it took no
    /// room).
    private func handBack(_ batch: [FileResult]) {
        var files = 0
        var bytes = 0
        for result in batch {
            if result.url == nil {
                files += 1
                bytes += result.cost
            } else {
                result.whenWritten?()
            }
        }
        budget.give(files: files, bytes: bytes)
    }

    /// True when the record with content `id` from `path` (a file's path or a URL) is in the output already:
    /// its line was recovered after a crash (and not yet recognized as another result's, in this batch or
    /// one waiting for its commit: it is added to `recognized`), or, with `dedupe = "content"`, the same
    /// content was emitted in this batch, in one waiting for its commit, or before. With `dedupe = "none"`, a
    /// file's record is emitted already when the last version committed of the same file (`identity`'s device
    /// and inode, made at `born`, or at `path` where birth times are unknown) held the same content: a
    /// `touch`, a `chmod` or a rename is not a new article.
    private func isEmitted(
        _ id: String, from path: String, identity: FileIdentity?, born: Int64?, inBatch: Set<String>,
        recognizing recognized: inout Set<RecoveredLine>, uncommitted: Uncommitted
    ) throws -> Bool {
        let recovered = try state.recoveredLines(for: path, id: id, file: identity, bornNanoseconds: born).first {
            !recognized.contains($0) && !uncommitted.recognized.contains($0)
        }
        if let recovered {
            recognized.insert(recovered)
            return true
        }
        guard settings.dedupe == .content else {
            guard let identity else { return false }
            return try state.isContent(id, ofTheLastVersionOf: identity, bornNanoseconds: born, at: path)
        }
        return try inBatch.contains(id) || uncommitted.emittedIDs.contains(id) || state.hasEmitted(id)
    }

    /// Syncs the files and commits what was written since the last commit, when the sync policy says it is
    /// time, when draining, or when `force`d before the files are closed:
    /// - `batch`: synced and committed as soon as the writer is idle, or once ``stateCommitFiles`` files or
    ///   ``stateCommitSeconds`` of batches wait.
    /// - `never`: the same, without syncs.
    /// - `interval`: synced and committed once the interval has passed.
    private func commitIfDue(_ writer: inout Writer, force: Bool = false) {
        // After a failure, nothing is tried before the pause is over: it is what keeps a broken disk from
        // being hammered.
        guard !writer.uncommitted.files.isEmpty, !writer.isPaused else { return }
        let now = DispatchTime.now()
        if !force, !isDraining.load(ordering: .relaxed) {
            if settings.sync == .interval {
                let elapsed = Double(now.uptimeNanoseconds - writer.lastCommit.uptimeNanoseconds) / 1e9
                guard elapsed >= settings.syncIntervalSeconds else { return }
            } else {
                let oldest = writer.oldestUncommitted ?? now
                writer.oldestUncommitted = oldest
                let waited = Double(now.uptimeNanoseconds - oldest.uptimeNanoseconds) / 1e9
                guard writer.uncommitted.files.count >= Self.stateCommitFiles || waited >= Self.stateCommitSeconds
                else {
                    scheduleIdleCheck(&writer)
                    return
                }
            }
        }
        let uncommitted = writer.uncommitted
        do {
            if settings.sync != .never { try Self.synchronize(&writer) }
            try state.commit(
                uncommitted.outcomes, urls: uncommitted.urls, ends: Self.ends(of: writer.output, writer.errors),
                forgetting: uncommitted.departed, recognized: Array(uncommitted.recognized))
        } catch {
            pauseAfterFailure(
                &writer, "could not sync the output or commit the state; new files wait until it works again",
                error: error)
            return
        }
        if writer.failedAttempts > 0 {
            pauseReason.withLock { $0 = nil }
            logger.notice(
                "the output is written and synced and the state committed again; taking new files again",
                metadata: ["files": "\(uncommitted.files.count)", "failed_attempts": "\(writer.failedAttempts)"])
            writer.failedAttempts = 0
        }
        writer.uncommitted = Uncommitted()
        writer.oldestUncommitted = nil
        writer.lastCommit = DispatchTime.now()
        lastCommitTime.store(WallClock.nowMilliseconds(), ordering: .relaxed)
        counters.withLock { $0.add(uncommitted.counts) }
        writer.uncommitted.departed += release(uncommitted.files)
        for tell in uncommitted.whenCommitted { tell() }
    }

    /// Makes what the writer appended durable.
    private static func synchronize(_ writer: inout Writer) throws(SystemCallError) {
        try writer.output.synchronize()
        try writer.errors.synchronize()
    }

    /// A batch could not be written, or what was written could not be synced or committed (a disk is full,
    /// say). Nothing is given up: lines written are in the output, and taking their files again would write
    /// them twice; a batch not written waits with its files claimed. The writer writes and commits nothing
    /// until a pause, doubling up to ``longestPause``, is over, then tries again (``retryAfterPause()``); a
    /// restart meanwhile adopts the lines written.
    private func pauseAfterFailure(_ writer: inout Writer, _ message: Logger.Message, error: any Error) {
        writer.failedAttempts += 1
        writer.isPaused = true
        let pause = min(Self.longestPause, 0.5 * Double(1 << min(writer.failedAttempts - 1, 10)))
        let reason = "\(message) (attempt \(writer.failedAttempts)): \(error)"
        pauseReason.withLock { $0 = reason.replacing("\n", with: " ") }  // one line, for STATUS=
        logger.error(
            message,
            metadata: [
                "files": "\(writer.uncommitted.files.count)", "error": "\(error)",
                "attempt": "\(writer.failedAttempts)", "next_attempt_in": "\(pause)s",
            ])
        writerQueue.asyncAfter(deadline: .now() + pause) { @Sendable [self] in retryAfterPause() }
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

    /// Queues a flush when results are gathered and none is queued yet.
    private func queueFlushIfResultsWait() {
        if gathering.withLock({ $0.claimFlush() }) { writerQueue.async { @Sendable [self] in flush() } }
    }

    /// The longest pause between two attempts to write or commit, in seconds.
    static let longestPause = 30.0

    /// Queues a look, behind what the writer's queue holds now, at whether more results are gathered or on
    /// their way: if not, the writer is idle and commits what waits now rather than when the thresholds are
    /// reached.
    private func scheduleIdleCheck(_ writer: inout Writer) {
        guard !writer.idleCheckScheduled else { return }
        writer.idleCheckScheduled = true
        writerQueue.async { @Sendable [self] in commitIfIdle() }
    }

    /// Commits what waits unless more results are on their way or gathered. Each of those is written in a
    /// batch whose end commits or looks again; and a worker slow on one large file does not hold back what
    /// waits past ``stateCommitSeconds``: the writer looks again then.
    private func commitIfIdle() {
        let isIdle = gathering.withLock { $0.results.isEmpty && onTheirWay.load(ordering: .relaxed) == 0 }
        writer.withLock { writer in
            guard !isIdle else {
                writer.idleCheckScheduled = false
                commitIfDue(&writer, force: true)
                return
            }
            writerQueue.asyncAfter(deadline: .now() + Self.stateCommitSeconds) { @Sendable [self] in
                self.writer.withLock { writer in
                    writer.idleCheckScheduled = false
                    commitIfDue(&writer)
                }
            }
        }
    }

    /// Ends the files' turn in the pipeline: a committed file (one with an identity) is kept, moved or
    /// deleted as configured, and its claim is released.
    /// - Returns: the committed files that left their directory (moved or deleted), whose state rows the
    ///   next commit drops: a scan cannot find them again, so remembering them would only grow the state.
    @discardableResult
    private func release(
        _ files: [(path: String, claimed: FileIdentity?, identity: FileIdentity?, disposal: FileDisposal, failed: Bool)]
    ) -> [FileIdentity] {
        // Only now, with the outcome durable, may a file be moved or deleted (skipped files have no identity:
        // nothing of them was committed).
        var departed: [FileIdentity] = []
        for file in files {
            guard let identity = file.identity else { continue }
            if file.disposal.apply(to: file.path, failed: file.failed, logger: logger) { departed.append(identity) }
        }
        inFlight.withLock { set in
            for file in files { if let claimed = file.claimed { set.remove(claimed) } }
        }
        for _ in files { pendingWork.leave() }
        return departed
    }
}

extension IngestPipeline.Counters {
    mutating func add(_ other: Self) {
        emitted += other.emitted
        duplicates += other.duplicates
        failed += other.failed
    }
}
