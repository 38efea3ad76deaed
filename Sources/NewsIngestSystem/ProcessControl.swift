#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the process does to itself: signal dispositions, and exiting.
public enum ProcessControl {
    /// Has the process ignore `signalNumber` (`signal(2)` with `SIG_IGN`): `SIGXFSZ`, so that a write past the
    /// file size limit fails with `EFBIG` instead of killing the process.
    /// - Throws: ``SystemCallError`` when the disposition cannot be set (`SIG_ERR`).
    public static func ignore(_ signalNumber: Int32) throws(SystemCallError) {
        // `SIG_ERR` is `(void (*)(int)) -1`, which Swift sees as a function pointer: compare its bits.
        let previous = signal(signalNumber, SIG_IGN)
        if unsafeBitCast(previous, to: Int.self) == -1 {
            throw SystemCallError(call: "signal", subject: "\(signalNumber)", errno: errno)
        }
    }

    /// Ends the process with `status` (`exit(3)`: buffered output flushed, `atexit` handlers run).
    public static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
            Glibc.exit(status)
        #elseif canImport(Musl)
            Musl.exit(status)
        #else
            Darwin.exit(status)
        #endif
    }
}
