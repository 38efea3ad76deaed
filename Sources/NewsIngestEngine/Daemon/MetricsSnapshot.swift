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
    /// When the writer last committed results, in milliseconds since 1970; 0 before the first. With `paused`
    /// and the counters, what an alert on a stalled daemon watches.
    public var lastCommitMilliseconds: Int64 = 0
    /// Directories inotify watches now.
    public var watchedDirectories = 0
    /// When the daemon started, in seconds since 1970.
    public var startTimeSeconds = 0.0
    /// Links of indexes not followed since the start, by reason.
    public var linksSkipped: [SkippedLinks.Reason: Int] = [:]
    /// The JetStream sink's counts, when records go to a stream.
    public var stream: StreamStatus?
    /// The cluster's claims on links since the start, by what they came to (`won`, `takenOver`,
    /// `heldElsewhere`, `doneElsewhere`, `unavailable`), in a cluster.
    public var clusterClaims: [String: Int]?

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
        metric(
            "last_commit_time_seconds", "gauge", "When results were last committed, in seconds since 1970 (0: never).",
            Self.seconds(milliseconds: lastCommitMilliseconds))
        metric("watched_directories", "gauge", "Directories inotify watches.", "\(watchedDirectories)")
        text +=
            "# HELP newsingest_links_skipped_total Links of indexes not followed: off the site and follow_hosts, "
            + "carrying credentials for another host, or disallowed by robots.txt.\n"
            + "# TYPE newsingest_links_skipped_total counter\n"
        for reason in SkippedLinks.Reason.allCases {
            text += "newsingest_links_skipped_total{reason=\"\(reason.rawValue)\"} \(linksSkipped[reason] ?? 0)\n"
        }
        if let stream {
            metric(
                "stream_published_total", "counter",
                "Records handed to the NATS client for the JetStream stream (publications again included).",
                "\(stream.published)")
            metric(
                "stream_acknowledged_total", "counter", "Acknowledgements the JetStream stream gave.",
                "\(stream.acknowledged)")
            metric(
                "stream_duplicates_total", "counter",
                "Acknowledgements saying the stream had the message already (its duplicate window caught it).",
                "\(stream.duplicates)")
            metric(
                "stream_refused_total", "counter", "Records the stream refused (sent to the error log).",
                "\(stream.refused)")
            metric("stream_pending_acks", "gauge", "Records written and not yet acknowledged.", "\(stream.pendingAcks)")
            metric(
                "stream_pending_acks_max", "gauge",
                "The bound on publications awaiting acknowledgement (output.nats.max_pending_acks).",
                "\(stream.maxPendingAcks)")
            metric("stream_reconnects_total", "counter", "Reconnections to NATS.", "\(stream.reconnects)")
            metric("stream_connected", "gauge", "1 while connected to NATS.", stream.isConnected ? "1" : "0")
        }
        if let clusterClaims {
            text +=
                "# HELP newsingest_cluster_claims_total Links claimed in the cluster's bucket, by outcome: won, "
                + "taken over (a lease ran out), held or done by another daemon, unavailable.\n"
                + "# TYPE newsingest_cluster_claims_total counter\n"
            let outcomes = [
                ("won", "won"), ("taken_over", "takenOver"), ("held_elsewhere", "heldElsewhere"),
                ("done_elsewhere", "doneElsewhere"), ("unavailable", "unavailable"),
            ]
            for (label, key) in outcomes {
                text += "newsingest_cluster_claims_total{outcome=\"\(label)\"} \(clusterClaims[key] ?? 0)\n"
            }
        }
        metric(
            "start_time_seconds", "gauge", "When the daemon started, in seconds since 1970.",
            String(Int64(startTimeSeconds)))
        return text
    }

    /// `1795822684.123` for 1 795 822 684 123 ms (times before 1970 are not expected here).
    static func seconds(milliseconds: Int64) -> String {
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
