#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Time that passes (`CLOCK_MONOTONIC`), read in user space through the vDSO: tens of nanoseconds, where
/// ``ThreadCPUClock`` is a system call of about half a microsecond.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary start.
    public static func nanoseconds() -> Int64 { ClockReading.nanoseconds(CLOCK_MONOTONIC) }
}
