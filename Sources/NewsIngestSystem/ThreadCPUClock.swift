#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`): what a parse has cost, whatever else the
/// machine is doing (a busy, shared machine stretches wall-clock time, not this).
public enum ThreadCPUClock {
    /// Nanoseconds of CPU time the calling thread has used.
    public static func nanoseconds() -> Int64 { ClockReading.nanoseconds(CLOCK_THREAD_CPUTIME_ID) }
}
