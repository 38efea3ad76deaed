/// Finds the state rows of files that are gone from the watched directories (deleted or moved away by someone
/// else, under `after = "keep"`), so that the state does not grow with every file ever taken.
///
/// A full scan looks up every file it finds. A row committed before the scan began that the scan did not find
/// is a file that is gone, provided that the scan listed every directory to its end and that the row's file
/// system is one the scan listed a directory of: a network share that is not mounted hides its files without
/// their being gone. A row is forgotten only when two such scans in a row miss it, because a file moved
/// during a scan from a directory not yet listed to one already listed is missed once.
///
/// Forgetting is safe: a file that comes back is taken again as a new file, and with `dedupe = "content"` its
/// content, which stays remembered, is not emitted again.
struct GoneFileSweep {
    /// The scan in progress: rows up to `lastRow` were committed before it began.
    private var lastRow: Int64 = 0
    private var found = RowSet()
    /// Devices of the directories the scan listed.
    private var devices: Set<UInt64> = []
    private var isActive = false
    private var isComplete = false
    /// Rows the last full scan missed.
    private var suspects = RowSet()

    /// Starts a full scan; `lastRow` is the last file version committed before it (``StateStore/lastFileVersionRow()``).
    mutating func begin(lastRow: Int64) {
        self.lastRow = lastRow
        found = RowSet()
        devices = []
        isActive = true
        isComplete = true
    }

    /// The scan listed a directory on `device`.
    mutating func noteDirectory(onDevice device: UInt64) {
        guard isActive else { return }
        devices.insert(device)
    }

    /// The scan found the file version of `row` in a watched directory.
    mutating func noteFound(row: Int64) {
        guard isActive, row <= lastRow else { return }
        found.insert(row)
    }

    /// The scan could not see everything: a directory could not be listed, or the scan was cut short.
    mutating func noteIncomplete() { isComplete = false }

    /// Ends the scan. `rows` calls its argument with the row and device of every file version up to `lastRow`
    /// (``StateStore/forEachFileVersion(upTo:_:)``).
    /// - Returns: the rows to forget: missed by this scan and by the one before. None when this scan was not
    ///   complete; it then leaves the suspects as they were.
    mutating func finish(
        rows: (_ body: (_ row: Int64, _ device: UInt64) -> Void) throws -> Void
    ) rethrows -> [Int64] {
        defer {
            isActive = false
            found = RowSet()
        }
        guard isActive, isComplete else { return [] }
        guard lastRow > 0 else {
            suspects = RowSet()
            return []
        }
        var gone: [Int64] = []
        var missed = RowSet()
        try rows { row, device in
            guard !found.contains(row), devices.contains(device) else { return }
            if suspects.contains(row) { gone.append(row) } else { missed.insert(row) }
        }
        suspects = missed
        return gone
    }

    /// A set of rows, a bit each, over the span from the lowest row inserted to the highest: rows are numbered
    /// from 1 in commit order and never reused while the daemon runs (``StateStore`` numbers them), so after a
    /// year of a busy drop box the rows of the files still there number in the hundreds of millions, and a
    /// bitmap from row 0 would take tens of megabytes where the span of the rows found takes a fraction of
    /// that. A million rows take 125 KB.
    struct RowSet {
        /// The word (row / 64) that `words` starts with.
        private var firstWord = 0
        private var words: [UInt64] = []

        /// How many rows the set has room for: its memory, at a bit each.
        var capacity: Int { words.count * 64 }

        mutating func insert(_ row: Int64) {
            guard row >= 0 else { return }
            let word = Int(row >> 6)
            if words.isEmpty { firstWord = word }
            if word < firstWord {
                // Grown downward by at least its size, so that rows arriving in descending order cost
                // amortized constant time.
                let newFirst = max(0, min(word, firstWord - words.count))
                words.insert(contentsOf: repeatElement(0, count: firstWord - newFirst), at: 0)
                firstWord = newFirst
            }
            let index = word - firstWord
            if index >= words.count { words += repeatElement(0, count: index - words.count + 1) }
            words[index] |= 1 << UInt64(row & 63)
        }

        func contains(_ row: Int64) -> Bool {
            guard row >= 0 else { return false }
            let index = Int(row >> 6) - firstWord
            return index >= 0 && index < words.count && words[index] & (1 << UInt64(row & 63)) != 0
        }
    }
}
