#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Sends service notifications (`READY=1`, `WATCHDOG=1`, `STATUS=…`, `STOPPING=1`) to systemd through the
/// datagram socket named by `$NOTIFY_SOCKET`; does nothing when the variable is unset (not under systemd).
/// A leading `@` names an abstract socket.
public final class SystemdNotifier: Sendable {
    private let socketPath: [UInt8]?
    /// Half of `$WATCHDOG_USEC`, in microseconds: how often the service should ping, or `nil` when no
    /// watchdog is set.
    public let watchdogIntervalMicroseconds: Int64?

    /// Reads `$NOTIFY_SOCKET` and `$WATCHDOG_USEC` (honouring `$WATCHDOG_PID`).
    public init(environment: [String: String]) {
        if let path = environment["NOTIFY_SOCKET"], !path.isEmpty {
            var bytes = Array(path.utf8)
            if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
            socketPath = bytes
        } else {
            socketPath = nil
        }
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forUs, let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 {
            watchdogIntervalMicroseconds = microseconds / 2
        } else {
            watchdogIntervalMicroseconds = nil
        }
    }

    /// True when running under systemd with a notification socket.
    public var isEnabled: Bool { socketPath != nil }

    /// Sends one notification (`READY=1`, `STATUS=…`); errors are returned, not thrown: a notification that
    /// cannot be sent must not stop the service.
    @discardableResult
    public func notify(_ message: String) -> SystemCallError? {
        guard let socketPath, socketPath.count < 108 else { return nil }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return SystemCallError(call: "socket", subject: "NOTIFY_SOCKET", errno: errno) }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socketPath.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + socketPath.count)
        let bytes = Array(message.utf8)
        do {
            try SystemCall.retrying("sendto", "NOTIFY_SOCKET") {
                withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                        sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), address, length)
                    }
                }
            }
            return nil
        } catch {
            return error
        }
    }
}
