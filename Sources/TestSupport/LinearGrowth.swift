import NewsIngestSystem

/// Whether work grows linearly with its input, judged the way a noisy shared machine allows: by the CPU time
/// of the calling thread (not the wall clock, which other tests and processes move), the least of three runs,
/// at a size N and at 4N. Linear work takes about four times as long at 4N, quadratic sixteen times; the
/// verdict's line is drawn at eight.
public enum LinearGrowth {
    /// The CPU time this thread spends in `body`, the least of three runs, in seconds.
    public static func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let start = ThreadCPUClock.nanoseconds()
            try body()
            best = min(best, Double(ThreadCPUClock.nanoseconds() - start) / 1e9)
        }
        return best
    }

    /// The CPU seconds of `work` on the input of size N and on the input of size 4N, and whether the second is
    /// under eight times the first (with 0.1 ms as the least first, so that noise on tiny work passes).
    public static func check<Input>(
        small: Input, large: Input, _ work: (Input) throws -> Void
    ) rethrows -> (small: Double, large: Double, isLinear: Bool) {
        let smallSeconds = try cpuSeconds { try work(small) }
        let largeSeconds = try cpuSeconds { try work(large) }
        return (smallSeconds, largeSeconds, largeSeconds < 8 * max(smallSeconds, 1e-4))
    }
}
