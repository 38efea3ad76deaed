/// Where the writer puts what its batches produce, and what it makes durable before their outcomes are
/// committed to the state store: the JSONL files (``JSONLSink``), a JetStream stream (``NATSSink``), or both
/// (``FanOutSink``).
///
/// The writer calls a sink on its own queue, one batch at a time, in this order: ``prepare(forBatchOf:commitWaiting:)``,
/// ``write(_:)``, and, when the sync policy says it is time, ``makeDurable(_:)`` then the state's commit with
/// ``committedEnds``. A batch's files count as done only after that commit: a crash before it leaves what
/// the sink wrote to be recognized at the next start (by the sink, when it opens).
///
/// `commitWaiting` (given to the calls that may need to close what holds written lines) makes durable and
/// commits what was written and not yet committed, and returns how many files' outcomes still wait: not 0
/// when that failed, and the sink must then keep what holds their lines until a later call succeeds.
protocol Sink: AnyObject {
    /// Readies the sink for a batch of `bytes` of record lines: reopens what someone else changed, rotates
    /// what is due.
    func prepare(forBatchOf bytes: Int, commitWaiting: () -> Int) throws

    /// Writes a batch whole, or nothing of it (throwing).
    func write(_ batch: SinkBatch) throws

    /// Makes everything written so far durable, as `policy` asks.
    func makeDurable(_ policy: SyncPolicy) throws

    /// What the state records of the sink with a commit: where each file it appends to ends now.
    var committedEnds: [OutputEnd] { get }

    /// After ``write(_:)`` failed with `error`: mends what can be mended at once (a file at the system's size
    /// limit is rotated); true when the batch may be written again now, false when the writer should pause.
    func mend(after error: any Error, commitWaiting: () -> Int) -> Bool

    /// Opens anew what the sink writes to (on `SIGHUP`, after `logrotate` renamed it).
    /// - Throws: ``UncommittedOutputError`` while written lines wait for their commit.
    func reopen(commitWaiting: () -> Int) throws

    /// After ``makeDurable(_:)``: the records written since the last commit that the sink's destination
    /// refused for good (a JetStream stream full under `discard = "new"`), to be committed as failures with
    /// an error record rather than as emitted. Each is given once.
    func takeRefused() -> [RefusedRecord]
}

extension Sink {
    func takeRefused() -> [RefusedRecord] { [] }
}

/// A record its sink's destination refused for good, and why.
struct RefusedRecord: Equatable {
    var recordID: String
    /// Its source's path or URL.
    var source: String
    var reason: String
    /// True when another destination of the sink took it (the JSONL file beside the stream): it stays emitted,
    /// and its error record says where it is missing.
    var isKeptElsewhere = false
}

/// What one batch gives a sink: its records and its error records, in order.
struct SinkBatch {
    /// Each record's JSON line (newline included), its content id and its source's path or URL.
    var records: [(line: [UInt8], id: String, source: String)] = []
    /// The error records' JSON lines, one after another.
    var errorLines: [UInt8] = []

    /// Bytes of the records' lines.
    var recordBytes: Int { records.reduce(0) { $0 + $1.line.count } }
}
