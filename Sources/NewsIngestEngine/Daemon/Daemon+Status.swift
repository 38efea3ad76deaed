/// What the daemon says of itself: `/metrics`, and `STATUS=` for systemd.
extension Daemon {
    /// What `/metrics` says now.
    static func metricsSnapshot(
        of pipeline: IngestPipeline, sources: SourcesService, urls: URLSource?, startTimeSeconds: Double
    ) -> MetricsSnapshot {
        var snapshot = MetricsSnapshot()
        let counts = pipeline.counts
        (snapshot.emitted, snapshot.duplicates, snapshot.failed) = (counts.emitted, counts.duplicates, counts.failed)
        let inFlight = pipeline.usage
        (snapshot.filesInFlight, snapshot.bytesInFlight) = (inFlight.files, inFlight.bytes)
        (snapshot.maxFilesInFlight, snapshot.maxBytesInFlight) = (inFlight.maxFiles, inFlight.maxBytes)
        snapshot.isPaused = pipeline.pause != nil
        snapshot.lastCommitMilliseconds = pipeline.lastCommitMilliseconds ?? 0
        snapshot.watchedDirectories = sources.watchedDirectoryCount
        snapshot.startTimeSeconds = startTimeSeconds
        snapshot.linksSkipped = urls?.skipped.snapshot ?? [:]
        snapshot.clusterClaims = urls?.cluster?.counts.withLock { $0 }
        snapshot.stream = pipeline.stream
        return snapshot
    }

    /// Counts for `STATUS=` and logs, and why the pipeline is paused when it is.
    static func statusLine(of pipeline: IngestPipeline) -> String {
        let counts = pipeline.counts
        var line = "emitted \(counts.emitted), duplicates \(counts.duplicates), failed \(counts.failed)"
        if let stream = pipeline.stream {
            line += "; stream \(stream.isConnected ? "connected" : "DISCONNECTED"), \(stream.pendingAcks) awaiting acks"
        }
        return pipeline.pause.map { line + "; paused: " + $0 } ?? line
    }
}
