import Foundation

/// Sends one request to a server on 127.0.0.1 over a plain TCP socket and reads the answer to its end, for
/// tests of a server the daemon runs (the raw bytes: a client library would hide what the server sent).
public enum RawHTTPRequest {
    /// An answer: its status code, its head, and its body.
    public struct Answer: Sendable {
        public var status: Int
        public var head: String
        public var body: String
    }

    /// Sends `request` (the whole request head, or any bytes) to `port`; `nil` when no connection was made.
    public static func send(_ request: String, toPort port: UInt16) -> Answer? {
        guard let connection = connect(toPort: port) else { return nil }
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
    public static func get(_ path: String, port: UInt16, method: String = "GET") -> Answer? {
        send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", toPort: port)
    }

    /// A connected socket to 127.0.0.1:`port` (receives time out after 30 s), to be closed by the caller.
    public static func connect(toPort port: UInt16) -> Int32? {
        let connection = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard connection >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(connection, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connected == 0 else {
            close(connection)
            return nil
        }
        return connection
    }
}
