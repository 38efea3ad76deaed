import Dispatch
import Synchronization

/// The bound on the files in the pipeline at once, by count and by bytes: a source takes room for a file
/// before submitting it and waits while there is none; the writer gives the room back once the file's record
/// is written.
///
/// A waiting source is woken only once half of the budget is free (or all of it), not at each file given
/// back: a writer handing back a batch of 300 files one by one would otherwise wake the source 300 times,
/// each for a single file, and both threads would spend their time switching rather than working.
final class InFlightBudget: Sendable {
    /// Files at once.
    let maxFiles: Int
    /// Bytes of those files at once.
    let maxBytes: Int
    private let usage = Mutex(Usage())
    private let wake = DispatchSemaphore(value: 0)

    private struct Usage {
        var files = 0
        var bytes = 0
        /// Takers waiting for room, each to be woken once.
        var waiters = 0
    }

    init(maxFiles: Int, maxBytes: Int) {
        self.maxFiles = max(1, maxFiles)
        self.maxBytes = max(1, maxBytes)
    }

    /// What a file of `size` bytes takes of the byte budget: its size, at least ``smallestCost`` and at most
    /// the whole budget, so that a file larger than the budget is taken alone.
    func cost(ofFileOfSize size: Int64) -> Int {
        Int(min(Int64(maxBytes), max(Int64(Self.smallestCost), size)))
    }

    /// What a file counts for at least: besides its bytes, its result holds a path, a record and their
    /// bookkeeping, so a budget of tiny files is not unbounded by its bytes.
    static let smallestCost = 4096

    /// Files and bytes taken now.
    var used: (files: Int, bytes: Int) { usage.withLock { ($0.files, $0.bytes) } }

    /// Takes room for one file costing `cost` bytes (see ``cost(ofFileOfSize:)``); waits while there is none,
    /// asking `shouldGiveUp` every 100 ms. Returns false, having taken nothing, when it said to give up.
    func take(_ cost: Int, unless shouldGiveUp: () -> Bool) -> Bool {
        while true {
            let isTaken = usage.withLock { usage in
                guard usage.files < maxFiles, usage.bytes + cost <= maxBytes else {
                    usage.waiters += 1
                    return false
                }
                usage.files += 1
                usage.bytes += cost
                return true
            }
            if isTaken { return true }
            if wake.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
                // Not woken: no longer waiting. (A wake sent meanwhile stays for a later wait, which then
                // returns at once and looks again: harmless.)
                usage.withLock { usage in usage.waiters = max(0, usage.waiters - 1) }
                if shouldGiveUp() { return false }
            }
        }
    }

    /// Takes, without waiting, what the result of a file holds beyond the `cost` it was admitted at: its
    /// record line's bytes past it (a record is about 2.5 times its file, and a worst case far more). The
    /// budget may go past its bound by that much; the sources then wait until the writer gives it back.
    /// - Returns: the bytes taken, to be given back with the file's cost.
    func charge(forResultOf outcome: ResultOutcome, beyond cost: Int) -> Int {
        guard case .record(let line, _) = outcome, line.count > cost else { return 0 }
        let extra = line.count - cost
        usage.withLock { $0.bytes += extra }
        return extra
    }

    /// Gives back the room of `files` files costing `bytes` in all, waking the waiting takers once half of
    /// the budget is free.
    func give(files: Int, bytes: Int) {
        guard files > 0 || bytes > 0 else { return }
        let woken = usage.withLock { usage in
            usage.files -= files
            usage.bytes -= bytes
            guard usage.waiters > 0,
                usage.files == 0 || (usage.files <= maxFiles / 2 && usage.bytes <= maxBytes / 2)
            else { return 0 }
            defer { usage.waiters = 0 }
            return usage.waiters
        }
        for _ in 0..<woken { wake.signal() }
    }
}
