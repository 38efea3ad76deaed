import NewsFormat
import NewsIngestSystem

/// What one article may cost the daemon: CPU time to parse (`pipeline.max_parse_seconds`) and the size of
/// its record (`pipeline.max_record_bytes`). Past either, the article is an error record, not a record.
struct ParseLimits: Sendable {
    /// CPU seconds one parse may take.
    let maxParseSeconds: Double
    /// Bytes one record line may take.
    let maxRecordBytes: Int

    /// A deadline `maxParseSeconds` of the calling thread's CPU time from now: make it on the thread that
    /// parses, just before.
    func deadline() -> ParseDeadline {
        let end = ThreadCPUClock.nanoseconds() + Int64(maxParseSeconds * 1e9)
        return ParseDeadline(limit: "pipeline.max_parse_seconds = \(maxParseSeconds) s of CPU time") {
            ThreadCPUClock.nanoseconds() > end
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
