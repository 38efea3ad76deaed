#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A TCP socket listening on an IPv4 or IPv6 address (non-blocking, close-on-exec), for a small local server.
public final class ListeningSocket: Sendable {
    /// The descriptor, for a Dispatch read source (readable when a connection waits).
    public let descriptor: Int32
    /// The port it listens on (the one the system chose, for port 0).
    public let port: UInt16

    /// Listens on `address` (dotted IPv4, as `127.0.0.1`, or IPv6 without brackets, as `::1`) and `port` (0: any
    /// free port).
    /// - Throws: ``SystemCallError`` (`EADDRINUSE` when another process has the port, `EADDRNOTAVAIL` for an
    ///   address no interface has, `EINVAL` for one that is neither).
    public init(address: String, port: UInt16) throws(SystemCallError) {
        let isIPv6 = address.contains(":")
        let subject = isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
        var socketAddress = sockaddr_in()
        var socketAddress6 = sockaddr_in6()
        let parsed: Int32
        if isIPv6 {
            socketAddress6.sin6_family = sa_family_t(AF_INET6)
            socketAddress6.sin6_port = port.bigEndian
            parsed = inet_pton(AF_INET6, address, &socketAddress6.sin6_addr)
        } else {
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            parsed = inet_pton(AF_INET, address, &socketAddress.sin_addr)
        }
        guard parsed == 1 else { throw SystemCallError(call: "inet_pton", subject: subject, errno: EINVAL) }
        let descriptor = try SystemCall.retrying("socket", subject) {
            socket(
                isIPv6 ? AF_INET6 : AF_INET,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do throws(SystemCallError) {
            var reuse: Int32 = 1
            try SystemCall.retrying("setsockopt", subject) {
                setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
            }
            if isIPv6 {
                // `::` takes IPv4 connections too, whatever the system's default (`net.ipv6.bindv6only`).
                var v6Only: Int32 = 0
                try SystemCall.retrying("setsockopt", subject) {
                    setsockopt(
                        descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6Only, socklen_t(MemoryLayout<Int32>.size))
                }
                try Self.bind(descriptor, to: &socketAddress6, subject: subject)
            } else {
                try Self.bind(descriptor, to: &socketAddress, subject: subject)
            }
            try SystemCall.retrying("listen", subject) { listen(descriptor, 64) }
            var bound = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            try SystemCall.retrying("getsockname", subject) {
                withUnsafeMutablePointer(to: &bound) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
                }
            }
            // The port, in network order, follows the family in both `sockaddr_in` and `sockaddr_in6`.
            self.port = withUnsafeBytes(of: &bound) { bytes in UInt16(bytes[2]) << 8 | UInt16(bytes[3]) }
        } catch {
            close(descriptor)
            throw error
        }
        self.descriptor = descriptor
    }

    /// Binds `descriptor` to `address`, a `sockaddr_in` or a `sockaddr_in6`.
    private static func bind<SocketAddress>(
        _ descriptor: Int32, to address: inout SocketAddress, subject: String
    ) throws(SystemCallError) {
        try SystemCall.retrying("bind", subject) {
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<SocketAddress>.size))
                }
            }
        }
    }

    deinit { close(descriptor) }

    /// Takes a waiting connection, blocking (for simple writes), with `timeoutSeconds` as its send and receive
    /// time-outs; `nil` when none waits (one whose client left while waiting is passed over).
    public func accept(timeoutSeconds: Int) throws(SystemCallError) -> FileDescriptor? {
        // Linux's `accept` gives a blocking socket whatever the listener's mode (`accept4`, which would also set
        // close-on-exec at once, is not declared here; this process never executes another).
        var connection: Int32 = -1
        while connection < 0 {
            do throws(SystemCallError) {
                connection = try SystemCall.retrying("accept", "port \(port)") { Glibc.accept(descriptor, nil, nil) }
            } catch  where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                return nil
            } catch  where error.errno == ECONNABORTED {
                continue  // a client that left while waiting: take the next
            }
        }
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        for option in [SO_SNDTIMEO, SO_RCVTIMEO] {
            setsockopt(connection, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        return FileDescriptor(adopting: connection, name: "connection to port \(port)")
    }
}
