import Dispatch
import Logging
import ServiceLifecycle

/// The pipeline's end of the daemon's life: on graceful shutdown (the sources stopped before it), syncs and
/// commits everything in flight, empties the state's write-ahead log and logs the day's counts.
struct PipelineDrainService: Service {
    let pipeline: IngestPipeline
    let state: StateStore
    let logger: Logger

    func run() async throws {
        // Cancelled instead (the group gave up waiting): what is in flight is committed all the same.
        try? await gracefulShutdown()
        pipeline.drain()
        await withCheckedContinuation { (idle: CheckedContinuation<Void, Never>) in
            pipeline.whenIdle(queue: .global()) { @Sendable in idle.resume() }
        }
        do {
            try state.checkpoint()
        } catch {
            logger.warning(
                "could not empty the state's write-ahead log; the next start reads it",
                metadata: ["error": "\(error)"])
        }
        let counts = pipeline.counts
        logger.info(
            "stopped",
            metadata: [
                "emitted": "\(counts.emitted)", "duplicates": "\(counts.duplicates)", "failed": "\(counts.failed)",
            ]
        )
    }
}
