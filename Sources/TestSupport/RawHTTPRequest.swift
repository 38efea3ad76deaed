import Foundation

/// Sends one request to a server on 127.0.0.1 (or ::1) over a plain TCP socket and reads the answer to its end, for
/// tests of a server the daemon runs (the raw bytes: a client library would hide what the server sent).
public enum RawHTTPRequest {
    /// An answer: its status code, its head, and its body.
    public struct Answer: Sendable {
        public var status: Int
        public var head: String
        public var body: String
    }

    /// Sends `request` (the whole request head, or any bytes) to `port` of `host` (a loopback address);
    /// `nil` when no connection was made.
    public static func send(_ request: String, toPort port: UInt16, host: String = "127.0.0.1") -> Answer? {
        guard let connection = connect(toPort: port, host: host) else { return nil }
        defer { close(connection) }
        let bytes = Array(request.utf8)
        guard
            bytes.withUnsafeBytes({ Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) })
                == bytes.count
        else { return nil }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            answer += buffer[..<count]
        }
        let text = String(decoding: answer, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n"), text.hasPrefix("HTTP/1.1 "),
            let status = Int(text.dropFirst(9).prefix(3))
        else { return nil }
        return Answer(status: status, head: String(text[..<split.lowerBound]), body: String(text[split.upperBound...]))
    }

    /// `GET path` (or another `method`).
    public static func get(_ path: String, port: UInt16, host: String = "127.0.0.1", method: String = "GET")
        -> Answer?
    {
        let authority = host.contains(":") ? "[\(host)]" : host
        return send("\(method) \(path) HTTP/1.1\r\nHost: \(authority)\r\n\r\n", toPort: port, host: host)
    }

    /// A connected socket to `host` (127.0.0.1, or an IPv6 address as `::1`) and `port` (receives time out
    /// after 30 s), to be closed by the caller.
    public static func connect(toPort port: UInt16, host: String = "127.0.0.1") -> Int32? {
        let isIPv6 = host.contains(":")
        let connection = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard connection >= 0 else { return nil }
        let connected: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            connected = connect(connection, to: &address)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            connected = connect(connection, to: &address)
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connected == 0 else {
            close(connection)
            return nil
        }
        return connection
    }

    /// True when this machine has an IPv6 loopback to listen on (containers may have none).
    public static var hasIPv6Loopback: Bool {
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { close(probe) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }

    private static func connect<SocketAddress>(_ connection: Int32, to address: inout SocketAddress) -> Int32 {
        withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(connection, $0, socklen_t(MemoryLayout<SocketAddress>.size))
            }
        }
    }
}
