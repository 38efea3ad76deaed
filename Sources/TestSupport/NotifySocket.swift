import Foundation

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`: collects what the service sends.
public final class NotifySocket: @unchecked Sendable {
    /// The socket's path, for `NOTIFY_SOCKET`.
    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var reader: Thread?

    /// Binds a socket at `path` and starts collecting messages.
    public init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in receiveLoop() }
        reader = thread
        thread.start()
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !Thread.current.isCancelled {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                let message = String(decoding: buffer[..<count], as: UTF8.self)
                lock.withLock { received.append(message) }
            }
        }
    }

    /// Every message so far.
    public var messages: [String] { lock.withLock { received } }

    /// True once a message containing `text` (such as `READY=1`) arrived.
    public func hasReceived(_ text: String) -> Bool { messages.contains { $0.contains(text) } }

    deinit {
        reader?.cancel()
        usleep(300_000)
        close(descriptor)
        unlink(path)
    }
}
