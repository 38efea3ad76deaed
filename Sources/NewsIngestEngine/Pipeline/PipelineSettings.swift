import NewsFormat

/// How the pipeline parses and writes.
public struct PipelineSettings: Sendable {
    /// Parallel parsers (each a serial Dispatch queue).
    public var workers: Int
    /// Files read, parsed or waiting for the writer at once: the bound that keeps memory flat.
    public var maxInFlight: Int
    /// Bytes of those files at once (by their size when found): large files are taken fewer at a time. A
    /// file larger than this is taken alone.
    public var maxInFlightBytes: Int = 64 << 20
    /// ``maxInFlight`` when it is not set: 1 024 files per worker, enough to keep the workers parsing while
    /// the writer waits for a sync (a sync of a batch's output took up to 135 ms here, 2 000 files' parsing on
    /// two cores; with 256 per worker the workers waited and used 1.4 of two cores, with 1 024 1.55).
    public static func defaultMaxInFlight(workers: Int) -> Int { workers * 1024 }
    /// Tone-mark style of the records.
    public var toneStyle: ToneStyle
    /// Duplicate-content policy.
    public var dedupe: DedupePolicy
    /// Files larger than this are errors, not records.
    public var maxFileBytes: Int
    /// CPU seconds one article's parse may take; past it the article is an error (`parse_timeout`).
    public var maxParseSeconds: Double = 5
    /// Bytes one record may take; past it the article is an error (`record_too_large`).
    public var maxRecordBytes: Int = 4 << 20
    /// Durability of each batch.
    public var sync: SyncPolicy
    /// Seconds between syncs under ``SyncPolicy/interval``.
    public var syncIntervalSeconds: Double = 1
    /// The JSONL output, or `-` for standard output.
    public var outputPath: String
    /// The error log (JSONL).
    public var errorsPath: String
    /// Rotate the output once it would grow past this many bytes; 0 turns size rotation off.
    public var rotateBytes: Int = 0
    /// Rotate the output when the UTC date changes.
    public var rotateDaily = false
    /// Records go to the JSONL output (`output.jsonl`); false only with a JetStream stream to take them.
    public var recordsToFile = true
    /// The JetStream stream records are published into too (`[output.nats]`), if any.
    public var nats: NATSSettings?

    /// Creates settings.
    public init(
        workers: Int,
        maxInFlight: Int,
        toneStyle: ToneStyle,
        dedupe: DedupePolicy,
        maxFileBytes: Int,
        sync: SyncPolicy,
        outputPath: String,
        errorsPath: String
    ) {
        self.workers = workers
        self.maxInFlight = maxInFlight
        self.toneStyle = toneStyle
        self.dedupe = dedupe
        self.maxFileBytes = maxFileBytes
        self.sync = sync
        self.outputPath = outputPath
        self.errorsPath = errorsPath
    }
}
