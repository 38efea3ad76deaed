/// Batches the writer has written to its sink and that wait for the sync and commit that make them count.
struct UncommittedBatches {
    var outcomes: [FileOutcome] = []
    /// Results of the batches, each holding a piece of the pipeline's work until committed.
    var resultCount = 0
    /// Their files: each file's claim is released, and a kept, moved or deleted file disposed of, once
    /// committed.
    var files: [FileRelease] = []
    /// What became of fetched URLs.
    var urls: [URLOutcome] = []
    /// Content ids emitted, for `dedupe = "content"` across batches not yet in the state.
    var emittedIDs = Set<String>()
    var counts = IngestPipeline.Counters()
    /// What to tell the submitters of fetched results once their batch is committed.
    var whenCommitted: [@Sendable () -> Void] = []
    /// Files moved or deleted after an earlier commit: their state rows go with this one.
    var departed: [FileIdentity] = []
    /// Recovered lines that results turned out to be, consumed with the commit.
    var recognized = Set<RecoveredLine>()

    var isEmpty: Bool { resultCount == 0 }
}
