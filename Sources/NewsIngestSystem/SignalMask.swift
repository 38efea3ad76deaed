#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The signals a process takes through Dispatch signal sources instead of through handlers.
public enum SignalMask {
    /// Blocks `signals` in the calling thread, and so in every thread it starts afterwards.
    ///
    /// A blocked signal stays pending until a Dispatch signal source (a `signalfd` on Linux) reads it. Call this
    /// on the main thread before any other thread starts and before the sources exist: a signal that arrives
    /// before the sources are registered is then kept for them, instead of being ignored (`SIG_IGN` discards
    /// it) or acted on by its default action in a thread that has it unblocked.
    /// - Throws: ``SystemCallError`` from `pthread_sigmask`.
    public static func block(_ signals: [Int32]) throws(SystemCallError) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        let result = pthread_sigmask(SIG_BLOCK, &set, nil)  // returns the error number; never EINTR
        if result != 0 { throw SystemCallError(call: "pthread_sigmask", errno: result) }
    }
}
