import Dispatch
import NewsFormat
import NewsIngestSystem
import Synchronization

/// Parses a batch's files on every core and writes one record line per file, in the order the files were
/// given (or as they finish, when unordered), reporting those that fail.
///
/// Files are taken in order while there is room: at most `maxFilesInFlight` read, parsed or waiting for
/// their turn to be written at once, and `maxBytesInFlight` of their bytes (a larger file taken alone), so
/// memory stays bounded however many files there are. In order, a record waits only for the ones before it.
public final class BatchRun: Sendable {
    /// How a batch runs.
    public struct Settings: Sendable {
        public var workers = 1
        /// True: records in input order; false: as they are ready.
        public var isOrdered = true
        public var toneStyle = ToneStyle.press
        /// Larger files are reported, not read.
        public var maxFileBytes = 64 * 1024 * 1024
        /// Files read, parsed or waiting to be written at once, per worker.
        public var maxFilesInFlightPerWorker = 64
        /// Bytes of those files at once.
        public var maxBytesInFlight = 256 * 1024 * 1024

        public init() {}
    }

    /// What has been done so far.
    public struct Tally: Sendable, Equatable {
        /// Files (and names that could not be taken) whose record or error is out.
        public var files = 0
        public var records = 0
        public var errors = 0
        /// Bytes of those files.
        public var bytes: Int64 = 0
    }

    private enum Outcome {
        case record([UInt8])
        case failure(String)
    }

    private struct Progress {
        var tally = Tally()
        /// The index of the next file to write, in order.
        var next = 0
        /// Finished files waiting for those before them, by index.
        var finished: [Int: (outcome: Outcome, item: BatchInputs.Item, cost: Int)] = [:]
        var writeError: (any Error)?
    }

    private let settings: Settings
    private let parser: ArticleParser
    private let pool: WorkerPool
    private let budget: InFlightBudget
    private let write: @Sendable ([UInt8]) throws -> Void
    private let report: @Sendable (_ path: String, _ reason: String) -> Void
    private let progress = Mutex(Progress())

    /// A run writing record lines with `write` and reporting a file that fails with `report` (both called
    /// one at a time, in the output's order).
    public init(
        settings: Settings, write: @escaping @Sendable ([UInt8]) throws -> Void,
        report: @escaping @Sendable (_ path: String, _ reason: String) -> Void
    ) {
        self.settings = settings
        parser = ArticleParser(toneStyle: settings.toneStyle)
        pool = WorkerPool(count: settings.workers)
        budget = InFlightBudget(
            maxFiles: settings.maxFilesInFlightPerWorker * max(1, settings.workers),
            maxBytes: settings.maxBytesInFlight)
        self.write = write
        self.report = report
    }

    /// What is done so far: for progress, from any thread.
    public var tally: Tally { progress.withLock { $0.tally } }

    /// Parses the files of `entries`, reporting its problems in their places, and waits until every record
    /// and error is out. The entries are taken as there is room for them (see ``BatchInputs``: a name is
    /// looked at only then), so listing goes on while the first files are parsed.
    /// - Throws: what `write` threw (a reader gone, say); the files after it are not parsed.
    public func run(_ entries: some Sequence<BatchInputs.Entry>) throws {
        let group = DispatchGroup()
        let shouldGiveUp = { self.progress.withLock { $0.writeError != nil } }
        for (index, entry) in entries.enumerated() {
            let (item, problem): (BatchInputs.Item, String?) =
                switch entry {
                case .file(let item): (item, nil)
                case .problem(let name, let reason): (BatchInputs.Item(path: name, size: 0), reason)
                }
            let cost = budget.cost(ofFileOfSize: item.size)
            guard budget.take(cost, unless: shouldGiveUp) else { break }  // the output failed
            if let problem {
                finish(index, .failure(problem), item: item, cost: cost)
                continue
            }
            // Read from the disk while the workers parse the files before it: an archive is rarely all in the
            // page cache, and a worker reading its file itself would wait for the disk, one file at a time.
            ArticleFileReader.prefetch(item.path, size: item.size, limit: settings.maxFileBytes)
            group.enter()
            pool.run { @Sendable [self] memo in
                let outcome = parse(item.path, memo: memo)
                finish(index, outcome, item: item, cost: cost)
                group.leave()
            }
        }
        group.wait()
        if let error = progress.withLock({ $0.writeError }) { throw error }
    }

    private func parse(_ path: String, memo: WordMemo) -> Outcome {
        do {
            let (bytes, source) = try ArticleFileReader.read(path, limit: settings.maxFileBytes)
            let article = try parser.parse(bytes, memo: memo)
            let record = ArticleRecord(
                article: article, source: source,
                ingestedAt: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds()))
            return .record(record.jsonLine())
        } catch {
            // The line names the file already: a reason that starts by naming it again (a failed system
            // call names its subject) does not.
            let reason = "\(error)"
            return .failure(reason.hasPrefix(path + ": ") ? String(reason.dropFirst(path.count + 2)) : reason)
        }
    }

    /// Writes what is ready: this file's outcome (unordered), or every outcome now next in order.
    private func finish(_ index: Int, _ outcome: Outcome, item: BatchInputs.Item, cost: Int) {
        progress.withLock { progress in
            guard settings.isOrdered else { return emit(outcome, of: item, cost: cost, &progress) }
            progress.finished[index] = (outcome, item, cost)
            while let ready = progress.finished.removeValue(forKey: progress.next) {
                emit(ready.outcome, of: ready.item, cost: ready.cost, &progress)
                progress.next += 1
            }
        }
    }

    private func emit(_ outcome: Outcome, of item: BatchInputs.Item, cost: Int, _ progress: inout Progress) {
        defer { budget.give(files: 1, bytes: cost) }
        progress.tally.files += 1
        progress.tally.bytes += item.size
        switch outcome {
        case .record(let line):
            progress.tally.records += 1
            guard progress.writeError == nil else { return }
            do { try write(line) } catch { progress.writeError = error }
        case .failure(let reason):
            progress.tally.errors += 1
            report(item.path == "-" ? "<stdin>" : item.path, reason)
        }
    }
}
