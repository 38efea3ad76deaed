import Dispatch
import Foundation
import Synchronization
import Testing

@testable import NewsIngestEngine

/// The bound on files in flight, by count and by bytes.
@Suite struct InFlightBudgetTests {
    @Test func aFileCostsItsSizeAtLeastTheSmallestCostAndAtMostTheWholeBudget() {
        let budget = InFlightBudget(maxFiles: 4, maxBytes: 100_000)
        #expect(budget.cost(ofFileOfSize: 0) == InFlightBudget.smallestCost)
        #expect(budget.cost(ofFileOfSize: 30_000) == 30_000)
        #expect(budget.cost(ofFileOfSize: 1 << 30) == 100_000)
    }

    /// A parsed file's record, once larger than the file, is what waits for the writer: it is counted at its
    /// size, past the bound if need be, so the sources wait until the writer gives it back.
    @Test func aRecordLargerThanItsFileIsChargedUntilGivenBack() {
        let budget = InFlightBudget(maxFiles: 4, maxBytes: 10_000)
        #expect(budget.take(5_000, unless: { false }))
        let extra = budget.charge(
            forResultOf: .record(line: [UInt8](repeating: 0x61, count: 12_000), id: "x"), beyond: 5_000)
        #expect(extra == 7_000)
        #expect(budget.used == (1, 12_000))
        #expect(!budget.take(4096, unless: { true }))  // over the bound: nothing more is taken
        #expect(budget.charge(forResultOf: .record(line: [0x61], id: "y"), beyond: 5_000) == 0)
        #expect(budget.charge(forResultOf: .skipped, beyond: 5_000) == 0)
        budget.give(files: 1, bytes: 5_000 + extra)
        #expect(budget.used == (0, 0))
    }

    @Test func takersStopAtEitherBoundAndGiveUpWhenTold() {
        let budget = InFlightBudget(maxFiles: 3, maxBytes: 1000)
        for _ in 0..<3 { #expect(budget.take(10, unless: { false })) }
        #expect(!budget.take(10, unless: { true }))  // no fourth file
        budget.give(files: 3, bytes: 30)
        #expect(budget.take(600, unless: { false }))
        #expect(!budget.take(600, unless: { true }))  // 1200 bytes would be over
        #expect(budget.used == (1, 600))
        budget.give(files: 1, bytes: 600)
        #expect(budget.take(budget.cost(ofFileOfSize: 1 << 30), unless: { false }))  // alone, when all is free
        #expect(budget.used == (1, 1000))
    }

    /// A waiting taker is woken once half of the budget is free, and not left waiting when the budget
    /// empties; a taker that gives up takes nothing.
    @Test func aWaitingTakerIsWokenWhenHalfIsFree() {
        let budget = InFlightBudget(maxFiles: 4, maxBytes: 1 << 20)
        for _ in 0..<4 { #expect(budget.take(1, unless: { false })) }
        let taken = Atomic<Bool>(false)
        let thread = Thread {
            _ = budget.take(1, unless: { false })
            taken.store(true, ordering: .sequentiallyConsistent)
        }
        thread.start()
        budget.give(files: 2, bytes: 2)
        #expect(waitUntil { taken.load(ordering: .sequentiallyConsistent) })
        #expect(budget.used == (3, 3))
    }

    /// Many takers and givers at once never hold more than the budget, and all of them get through.
    @Test func concurrentTakersNeverExceedTheBudget() async {
        let budget = InFlightBudget(maxFiles: 8, maxBytes: 100)
        let peak = Mutex((files: 0, bytes: 0))
        let group = DispatchGroup()
        for taker in 0..<8 {
            DispatchQueue.global().async(group: group) {
                for round in 0..<500 {
                    let cost = 1 + (taker * 7 + round) % 40
                    guard budget.take(cost, unless: { false }) else { continue }
                    let used = budget.used
                    peak.withLock { $0 = (max($0.files, used.files), max($0.bytes, used.bytes)) }
                    budget.give(files: 1, bytes: cost)
                }
            }
        }
        #expect(group.wait(timeout: .now() + 120) == .success)
        let highest = peak.withLock { $0 }
        #expect(highest.files <= 8 && highest.bytes <= 100)
        #expect(budget.used == (0, 0))
    }

    private func waitUntil(seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }
}
