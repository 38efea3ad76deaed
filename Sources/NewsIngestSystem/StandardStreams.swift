#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Standard input, output and error as ``FileDescriptor``s.
public enum StandardStreams {
    /// Standard input.
    public static let input = FileDescriptor(borrowing: STDIN_FILENO)
    /// Standard output.
    public static let output = FileDescriptor(borrowing: STDOUT_FILENO)
    /// Standard error.
    public static let error = FileDescriptor(borrowing: STDERR_FILENO)

    /// Writes one line to standard error; a failure to report is ignored (there is nowhere left to report it).
    public static func printError(_ message: String) {
        try? error.writeAll(Array((message + "\n").utf8))
    }
}
