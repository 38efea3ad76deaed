import Dispatch
import Synchronization

/// What the pipeline has taken in and not yet given back: room in the in-flight budget, the file versions
/// claimed (so that no version is read twice at once), the results on their way to the writer, and every
/// piece of work not yet committed (what ``whenIdle(queue:_:)`` waits for).
final class Admission: Sendable {
    let budget: InFlightBudget
    private let inFlight = Mutex(FilesInFlight())
    private let pendingWork = DispatchGroup()
    /// Results submitted and not yet gathered (being read, parsed or fetched, or on their way to the writer):
    /// while there are some, the writer is not idle.
    private let onTheirWay = Atomic<Int>(0)

    init(budget: InFlightBudget) {
        self.budget = budget
    }

    /// Whether this file version, or another version of the same file, is claimed now.
    func flightStatus(of identity: FileIdentity) -> FilesInFlight.Status {
        inFlight.withLock { $0.status(of: identity) }
    }

    /// Claims a file version; false when it is claimed already.
    func claim(_ identity: FileIdentity) -> Bool {
        inFlight.withLock { $0.insert(identity) }
    }

    /// Counts a piece of work until ``finish(_:claims:)``; `onItsWay`: its result is yet to be handed to the
    /// writer (``arrived()``).
    func begin(onItsWay: Bool) {
        pendingWork.enter()
        if onItsWay { onTheirWay.add(1, ordering: .relaxed) }
    }

    /// A result counted as on its way reached the writer.
    func arrived() {
        onTheirWay.subtract(1, ordering: .relaxed)
    }

    /// Results on their way to the writer now.
    var resultsOnTheirWay: Int { onTheirWay.load(ordering: .relaxed) }

    /// Ends `count` pieces of work, committed, and releases the claims of their files.
    func finish(_ count: Int, claims: [FileIdentity]) {
        inFlight.withLock { set in
            for claim in claims { set.remove(claim) }
        }
        for _ in 0..<count { pendingWork.leave() }
    }

    /// Runs `body` on `queue` once every piece of work begun so far is finished.
    func whenIdle(queue: DispatchQueue, _ body: @escaping @Sendable () -> Void) {
        pendingWork.notify(queue: queue, execute: body)
    }
}
