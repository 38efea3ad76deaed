extension IngestPipeline {
    /// Counts since start, for logs and status.
    public struct Counters: Sendable {
        public var emitted = 0
        public var duplicates = 0
        public var failed = 0

        mutating func add(_ other: Self) {
            emitted += other.emitted
            duplicates += other.duplicates
            failed += other.failed
        }
    }
}
