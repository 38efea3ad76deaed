#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one wrapper every system call goes through: retries `EINTR`, and turns `-1` into a typed
/// ``SystemCallError`` carrying `errno`.
public enum SystemCall {
    /// Runs `body` until it does not fail with `EINTR`.
    /// - Parameters:
    ///   - name: the call's name, for the error.
    ///   - subject: what it operates on (a path), for the error.
    /// - Returns: the call's non-negative result.
    /// - Throws: ``SystemCallError`` when the call returns -1 with any other `errno`.
    @discardableResult
    @inline(__always)
    public static func retrying<Result: BinaryInteger>(
        _ name: String,
        _ subject: String? = nil,
        _ body: () -> Result
    ) throws(SystemCallError) -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            let error = errno
            if error == EINTR { continue }
            throw SystemCallError(call: name, subject: subject, errno: error)
        }
    }
}
