/// What the daemon reports at `/metrics` (``MetricsServer``), in the Prometheus text format, version 0.0.4.
public struct MetricsSnapshot: Sendable, Equatable {
    /// Articles appended to the output since the start.
    public var emitted = 0
    /// Files and fetched articles whose content was emitted already (or whose line a restart recovered).
    public var duplicates = 0
    /// Files and fetched articles that went to the error log.
    public var failed = 0
    /// Files read, parsed or waiting for the writer now, and their bytes (as the in-flight bound counts them).
    public var filesInFlight = 0
    public var bytesInFlight = 0
    /// The bounds on those (`pipeline.max_in_flight`, `pipeline.max_in_flight_bytes`).
    public var maxFilesInFlight = 0
    public var maxBytesInFlight = 0
    /// True while the writer waits to retry after a failed write or commit (a full disk, say).
    public var isPaused = false
    /// Directories inotify watches now.
    public var watchedDirectories = 0
    /// When the daemon started, in seconds since 1970.
    public var startTimeSeconds = 0.0

    public init() {}

    /// The exposition: each metric with its `HELP` and `TYPE` lines, counters ending in `_total`.
    public var text: String {
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
            text +=
                "# HELP newsingest_\(name) \(help)\n# TYPE newsingest_\(name) \(type)\nnewsingest_\(name) \(value)\n"
        }
        metric("articles_emitted_total", "counter", "Articles appended to the output since the start.", "\(emitted)")
        metric(
            "articles_duplicate_total", "counter", "Articles whose content was in the output already.",
            "\(duplicates)")
        metric("articles_failed_total", "counter", "Files and fetched articles sent to the error log.", "\(failed)")
        metric("files_in_flight", "gauge", "Files being read, parsed or written now.", "\(filesInFlight)")
        metric(
            "files_in_flight_max", "gauge", "The bound on files in flight (pipeline.max_in_flight).",
            "\(maxFilesInFlight)")
        metric(
            "bytes_in_flight", "gauge", "Bytes of the files in flight, as the bound counts them.", "\(bytesInFlight)")
        metric(
            "bytes_in_flight_max", "gauge", "The bound on bytes in flight (pipeline.max_in_flight_bytes).",
            "\(maxBytesInFlight)")
        metric(
            "output_paused", "gauge", "1 while the writer waits to retry a failed write or commit.",
            isPaused ? "1" : "0")
        metric("watched_directories", "gauge", "Directories inotify watches.", "\(watchedDirectories)")
        metric(
            "start_time_seconds", "gauge", "When the daemon started, in seconds since 1970.",
            String(Int64(startTimeSeconds)))
        return text
    }
}
