import NewsFormat
import NewsIngestSystem

/// What one article may cost the daemon: CPU time to parse (`pipeline.max_parse_seconds`) and the size of
/// its record (`pipeline.max_record_bytes`). Past either, the article is an error record, not a record.
struct ParseLimits: Sendable {
    /// CPU seconds one parse may take.
    let maxParseSeconds: Double
    /// Bytes one record line may take.
    let maxRecordBytes: Int
    /// The limit as a parse error names it, written once rather than for every article.
    private let limitDescription: String

    init(maxParseSeconds: Double, maxRecordBytes: Int) {
        self.maxParseSeconds = maxParseSeconds
        self.maxRecordBytes = maxRecordBytes
        limitDescription = "pipeline.max_parse_seconds = \(maxParseSeconds) s of CPU time"
    }

    /// A deadline `maxParseSeconds` of the calling thread's CPU time from now: make it on the thread that
    /// parses, just before.
    ///
    /// The parser asks several times per article. A thread cannot have used more CPU time than the time that
    /// passed, so the CPU clock (a system call, about half a microsecond here) is read again only once the
    /// monotonic clock (read in user space) says that much time has passed: the same answer, at one system
    /// call per article instead of seven (they were a tenth of the daemon's time per article).
    func deadline() -> ParseDeadline {
        let budget = Int64(maxParseSeconds * 1e9)
        let startedCPU = ThreadCPUClock.nanoseconds()
        let started = MonotonicClock.nanoseconds()
        return ParseDeadline(limit: limitDescription) {
            MonotonicClock.nanoseconds() - started > budget && ThreadCPUClock.nanoseconds() - startedCPU > budget
        }
    }

    /// The line of `record`, or a `record_too_large` error naming `path` (of `size` bytes) when it is past
    /// ``maxRecordBytes``.
    func outcome(of record: ArticleRecord, id: String, path: String, size: Int, time: Timestamp) -> ResultOutcome {
        let line = record.jsonLine()
        guard line.count > maxRecordBytes else { return .record(line: line, id: id) }
        return .failure(
            ErrorRecord(
                time: time, path: path,
                reason: "its record would be \(line.count) bytes, more than pipeline.max_record_bytes = "
                    + "\(maxRecordBytes)",
                code: ArticleParseError.Code.recordTooLarge.rawValue, size: size))
    }
}
