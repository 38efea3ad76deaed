import Testing

@testable import NewsIngestEngine

/// Which state rows a full scan finds to be of files that are gone.
@Suite struct GoneFileSweepTests {
    /// The state's rows: 1 to 5 on device 7, 6 on device 8 (a share the scans do not reach), with the sweep.
    struct State {
        var rows: [(row: Int64, device: UInt64)] = [(1, 7), (2, 7), (3, 7), (4, 7), (5, 7), (6, 8)]
        var sweep = GoneFileSweep()

        /// One full scan that lists a directory on device 7 and finds `found`; the rows it says to forget are
        /// forgotten, and returned.
        mutating func scan(finding found: [Int64], lastRow: Int64 = 6, complete: Bool = true) -> [Int64] {
            sweep.begin(lastRow: lastRow)
            sweep.noteDirectory(onDevice: 7)
            for row in found { sweep.noteFound(row: row) }
            if !complete { sweep.noteIncomplete() }
            let rows = self.rows
            let gone = sweep.finish { body in for (row, device) in rows where row <= lastRow { body(row, device) } }
            self.rows.removeAll { gone.contains($0.row) }
            return gone
        }
    }

    @Test func aRowIsForgottenOnlyWhenTwoFullScansInARowMissIt() {
        var state = State()
        #expect(state.scan(finding: [1, 2, 3]) == [])  // 4 and 5 missed once
        #expect(state.scan(finding: [1, 2, 3, 4]) == [5])  // 4 came back (moved during a scan)
        #expect(state.scan(finding: [1, 2, 3]) == [])  // 4 missed once again
        #expect(state.scan(finding: [1, 2, 3]) == [4])
        #expect(state.rows.map(\.row) == [1, 2, 3, 6])
    }

    @Test func anIncompleteScanForgetsNothingAndKeepsItsSuspects() {
        var state = State()
        #expect(state.scan(finding: [1, 2, 3, 4]) == [])  // 5 missed
        #expect(state.scan(finding: [], complete: false) == [])
        #expect(state.scan(finding: [1, 2, 3, 4]) == [5])
    }

    @Test func rowsOnDevicesNoDirectoryWasListedOnAndNewerRowsAreNotJudged() {
        var state = State()
        // Row 6's device was not listed (an unmounted share): never forgotten. Rows after `lastRow` were
        // committed during the scan, which could not have found them.
        #expect(state.scan(finding: [1, 2, 3], lastRow: 3) == [])
        #expect(state.scan(finding: [1, 2, 3], lastRow: 3) == [])
        #expect(state.scan(finding: [1, 2], lastRow: 6) == [])  // 3, 4, 5 missed once
        #expect(state.scan(finding: [1, 2], lastRow: 6) == [3, 4, 5])
    }

    @Test func finishingWithoutABeginForgetsNothing() {
        var sweep = GoneFileSweep()
        sweep.noteFound(row: 1)
        #expect(sweep.finish { body in body(2, 7) } == [])
    }

    @Test func rowSetsHoldLargeAndSparseRows() {
        var set = GoneFileSweep.RowSet()
        for row: Int64 in [0, 1, 63, 64, 1_000_000] { set.insert(row) }
        for row: Int64 in [0, 1, 63, 64, 1_000_000] { #expect(set.contains(row)) }
        for row: Int64 in [-1, 2, 62, 65, 999_999, 1_000_001, 5_000_000] { #expect(!set.contains(row)) }
    }

    /// A set takes room for the span of its rows, not for every row since the first: the rows of a state that
    /// has taken hundreds of millions of files are high. Rows in any order give the same set.
    @Test func rowSetsTakeRoomForTheSpanOfTheirRows() {
        let base: Int64 = 300_000_000
        var generator = SystemRandomNumberGenerator()
        let rows = (0..<50_000).map { _ in base + Int64.random(in: 0..<1_000_000, using: &generator) }
        for order in [rows, rows.sorted(), rows.sorted(by: >)] {
            var set = GoneFileSweep.RowSet()
            for row in order { set.insert(row) }
            #expect(set.capacity <= 4_000_000, "room for \(set.capacity) rows")
            let members = Set(rows)
            for row in rows.prefix(1000) { #expect(set.contains(row)) }
            for probe in stride(from: base - 100, to: base + 1_000_100, by: 997) {
                #expect(set.contains(probe) == members.contains(probe))
            }
            #expect(!set.contains(0) && !set.contains(base - 1_000_000) && !set.contains(base * 2))
        }
    }
}
