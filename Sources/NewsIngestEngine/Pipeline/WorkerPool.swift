import Dispatch
import NewsFormat
import Synchronization

/// The parsers: one serial Dispatch queue per worker, each with its own memo of word facts, taking jobs from
/// one shared line, oldest first.
///
/// A worker that finds the line empty goes idle; a new job wakes one idle worker. So no job waits behind
/// another worker's slow one while a worker is free (jobs dealt out in turn did: one worker's queue held the
/// next record in order while the other had nothing to do), and a job is one lock and, only for an idle
/// worker, one `async`.
final class WorkerPool: Sendable {
    typealias Job = @Sendable (WordMemo) -> Void

    private let workers: [DispatchQueue]
    /// One memo of word facts per worker, used only on that worker's queue.
    private let memos: [WordMemo]
    private let line = Mutex(Line())

    private struct Line {
        var jobs = FIFOQueue<Job>()
        /// Workers with nothing to do, by index: woken by the next job.
        var idle: [Int] = []
    }

    /// Makes `count` workers (at least one).
    init(count: Int) {
        workers = (0..<max(1, count)).map { DispatchQueue(label: "newsingest.worker.\($0)") }
        memos = workers.map { _ in WordMemo() }
        line.withLock { $0.idle = Array(workers.indices.reversed()) }
    }

    /// Runs `job` on the first worker free, with that worker's memo. Jobs start in the order they are given.
    func run(_ job: @escaping Job) {
        let woken: Int? = line.withLock { line in
            line.jobs.append(job)
            return line.idle.popLast()
        }
        if let woken { workers[woken].async { @Sendable [self] in work(woken) } }
    }

    /// Runs jobs on worker `index` until the line is empty, then marks the worker idle.
    private func work(_ index: Int) {
        dispatchPrecondition(condition: .onQueue(workers[index]))
        let memo = memos[index]
        while let job = takeJob(orIdle: index) { job(memo) }
    }

    private func takeJob(orIdle index: Int) -> Job? {
        line.withLock { line in
            if let job = line.jobs.popFirst() { return job }
            line.idle.append(index)
            return nil
        }
    }
}
