import Dispatch
import NewsFormat
import Synchronization

/// The parsers: one serial Dispatch queue per worker, each with its own memo of word facts, taking jobs in
/// turn.
final class WorkerPool: Sendable {
    private let workers: [DispatchQueue]
    /// One memo of word facts per worker, used only on that worker's queue.
    private let memos: [WordMemo]
    private let nextWorker = Atomic<Int>(0)

    /// Makes `count` workers (at least one).
    init(count: Int) {
        workers = (0..<max(1, count)).map { DispatchQueue(label: "newsingest.worker.\($0)") }
        memos = workers.map { _ in WordMemo() }
    }

    /// Runs `job` on the next worker in turn, with that worker's memo.
    func run(_ job: @escaping @Sendable (WordMemo) -> Void) {
        let index = nextWorker.wrappingAdd(1, ordering: .relaxed).oldValue % workers.count
        let memo = memos[index]
        workers[index].async { @Sendable in
            dispatchPrecondition(condition: .onQueue(self.workers[index]))
            job(memo)
        }
    }
}
