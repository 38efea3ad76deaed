import Dispatch
import Logging
import NewsIngestSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A small HTTP/1.1 server answering `GET /metrics` with the daemon's ``MetricsSnapshot``, for Prometheus (or
/// `curl`), on the address of `daemon.metrics_address`.
///
/// Connections are served one at a time on a queue of their own: a request must arrive within a few seconds
/// and fit in 8 KiB, and every answer ends the connection. Nothing a client does, however slow or malformed,
/// holds up ingestion, and a client that leaves early is no error.
public final class MetricsServer: Sendable {
    private let socket: ListeningSocket
    private let logger: Logger
    private let queue = DispatchQueue(label: "newsingest.metrics")
    /// The listening socket's read source and what it serves; set once on `queue`, kept alive after.
    private let source: QueueBound<(any DispatchSourceRead)?>
    private let snapshot: QueueBound<(@Sendable () -> MetricsSnapshot)?>

    /// Seconds a client has to send its request, and to take the answer.
    static let timeoutSeconds = 3
    /// The longest request head read.
    static let maxRequestBytes = 8192

    /// Listens on `address` (connections wait until ``start(serving:)``).
    /// - Throws: ``SystemCallError`` (`EADDRINUSE` when the port is taken).
    public init(address: MetricsAddress, logger: Logger) throws(SystemCallError) {
        socket = try ListeningSocket(address: address.host, port: address.port)
        self.logger = logger
        source = QueueBound(nil, on: queue)
        snapshot = QueueBound(nil, on: queue)
    }

    /// The port it listens on.
    public var port: UInt16 { socket.port }

    /// What to tell an operator when listening failed because the address is taken or not this machine's;
    /// `nil` for other failures.
    public static func advice(for error: SystemCallError) -> String? {
        switch (error.call, error.errno) {
        case ("bind", EADDRINUSE):
            return
                "another process listens there: choose another port for daemon.metrics_address (or --metrics-address)"
        case ("bind", EADDRNOTAVAIL):
            return
                "no interface of this machine has that address: use 127.0.0.1 or one of its own in daemon.metrics_address"
        default:
            return nil
        }
    }

    /// Starts serving what `snapshot` says at each request.
    public func start(serving snapshot: @escaping @Sendable () -> MetricsSnapshot) {
        queue.async { @Sendable [self] in
            self.snapshot.wrapped = snapshot
            let source = DispatchSource.makeReadSource(fileDescriptor: socket.descriptor, queue: queue)
            source.setEventHandler { @Sendable [self] in acceptWaiting() }
            source.resume()
            self.source.wrapped = source
        }
    }

    private func acceptWaiting() {
        while true {
            let connection: FileDescriptor?
            do {
                connection = try socket.accept(timeoutSeconds: Self.timeoutSeconds)
            } catch {
                logger.warning("metrics: could not accept a connection", metadata: ["error": "\(error)"])
                return
            }
            guard let connection else { return }
            serve(connection)
        }
    }

    /// Reads one request head and answers it; a client that is too slow or goes away gets nothing.
    private func serve(_ connection: FileDescriptor) {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        // Each read waits at most the time-out, and so does the whole head: a client sending a byte now and
        // then cannot keep the server for itself.
        let deadline = DispatchTime.now() + .seconds(Self.timeoutSeconds)
        while MetricsRequest.headEnd(in: head) == nil, head.count < Self.maxRequestBytes {
            guard DispatchTime.now() < deadline, let count = try? connection.read(into: &buffer), count > 0 else {
                return
            }
            head += buffer[..<count]
        }
        let answer = MetricsRequest.answer(to: head, metrics: { snapshot.wrapped?().text ?? "" })
        try? connection.writeAll(answer, toSocket: true)
    }
}
