#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system's real-time clock, in milliseconds since 1970.
public enum WallClock {
    /// Milliseconds since 1970-01-01T00:00:00Z now.
    public static func nowMilliseconds() -> Int64 { ClockReading.nanoseconds(CLOCK_REALTIME) / 1_000_000 }

    /// Nanoseconds since 1970 now, by the clock the kernel stamps file times with (`CLOCK_REALTIME_COARSE`,
    /// a clock tick's resolution). A file changed after this call has a time at least this large; the fine
    /// clock can be a few milliseconds ahead of the times of files changed after it was read.
    public static func nowNanosecondsAsFileTimes() -> Int64 {
        #if os(Linux)
            ClockReading.nanoseconds(CLOCK_REALTIME_COARSE)
        #else
            ClockReading.nanoseconds(CLOCK_REALTIME)
        #endif
    }
}
