import CNATS
import Foundation

/// A real `nats-server` (Debian's package) with JetStream on 127.0.0.1, its store in a temporary directory,
/// for the JetStream sink's tests and benchmarks: killed and started again on the same port and store by the
/// fault tests. Killed when released.
public final class TestNATSServer: @unchecked Sendable {
    /// `nats://127.0.0.1:PORT`.
    public let url: String
    public let port: Int
    private let directory: TemporaryDirectory
    private var process: Process?
    private let extraArguments: [String]

    /// True when nats-server is installed (`make deps` installs it).
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }
    static let executable = "/usr/sbin/nats-server"

    /// With `tls`: the server's self-signed certificate for 127.0.0.1 (PEM), to give clients as their CA file.
    public let certificate: String?

    /// Starts a server; `arguments` are added to its command line (`--auth TOKEN`, say); with `tls`, it
    /// requires TLS with a certificate of its own (``certificate``).
    public init(arguments: [String] = [], tls: Bool = false) throws {
        directory = try TemporaryDirectory()
        port = try TestNginx.freePort()
        url = "nats://127.0.0.1:\(port)"
        var arguments = arguments
        if tls {
            let (certificate, key) = (directory.path("cert.pem"), directory.path("key.pem"))
            try TestNginx.makeCertificate(certificate, key: key)
            arguments += ["--tls", "--tlscert", certificate, "--tlskey", key]
            self.certificate = certificate
        } else {
            certificate = nil
        }
        extraArguments = arguments
        try start()
    }

    /// A connection of the test's own to the server (TLS checked against ``certificate`` when it has one).
    private func connect() -> OpaquePointer? {
        var options: OpaquePointer?
        guard natsOptions_Create(&options) == NATS_OK else { return nil }
        defer { natsOptions_Destroy(options) }
        _ = natsOptions_SetURL(options, url)
        if let certificate {
            _ = natsOptions_SetSecure(options, true)
            _ = natsOptions_LoadCATrustedCertificates(options, certificate)
        }
        var connection: OpaquePointer?
        return natsConnection_Connect(&connection, options) == NATS_OK ? connection : nil
    }

    deinit {
        if let process, process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The server's log so far.
    public var log: String { (try? String(contentsOfFile: directory.path("server.log"), encoding: .utf8)) ?? "" }

    /// Starts the server (again, after ``kill()``) on the same port and store, and waits until it is ready.
    public func start() throws {
        let logPath = directory.path("server.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments =
            ["-js", "-a", "127.0.0.1", "-p", "\(port)", "-sd", directory.path("store")] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        try process.run()
        self.process = process
        guard Wait.until(seconds: 60, { self.log.contains("Server is ready") && TestNginx.accepts(port) }) else {
            throw Failure("nats-server did not start: \(self.log)")
        }
    }

    /// Kills the server (`SIGKILL`: no goodbye to its clients) and waits until it is gone.
    public func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// What went wrong starting or reading the server.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        init(_ description: String) { self.description = description }
    }

    /// One message of a stream: its sequence, its `Nats-Msg-Id` and its payload.
    public struct StoredMessage: Sendable {
        public var sequence: UInt64
        public var messageID: String?
        public var payload: [UInt8]
    }

    /// How many messages `stream` holds now (0 when there is no such stream).
    public func messageCount(of stream: String) -> Int {
        guard let connection = connect() else { return 0 }
        defer { natsConnection_Destroy(connection) }
        var jetStream: OpaquePointer?
        guard natsConnection_JetStream(&jetStream, connection, nil) == NATS_OK else { return 0 }
        defer { jsCtx_Destroy(jetStream) }
        var info: UnsafeMutablePointer<jsStreamInfo>?
        guard js_GetStreamInfo(&info, jetStream, stream, nil, nil) == NATS_OK, let info else { return 0 }
        defer { jsStreamInfo_Destroy(info) }
        return Int(info.pointee.State.Msgs)
    }

    /// Every message of `stream`, read by sequence through a connection of its own.
    public func messages(of stream: String) throws -> [StoredMessage] {
        guard let connection = connect() else { throw Failure("cannot connect to \(url)") }
        defer { natsConnection_Destroy(connection) }
        var jetStream: OpaquePointer?
        guard natsConnection_JetStream(&jetStream, connection, nil) == NATS_OK else {
            throw Failure("no JetStream context on \(url)")
        }
        defer { jsCtx_Destroy(jetStream) }
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(0)
        let status = js_GetStreamInfo(&info, jetStream, stream, nil, &code)
        if code == JSStreamNotFoundErr { return [] }
        guard status == NATS_OK, let info else {
            throw Failure("cannot read the stream \(stream): status \(status), code \(code)")
        }
        let (first, last) = (info.pointee.State.FirstSeq, info.pointee.State.LastSeq)
        jsStreamInfo_Destroy(info)
        var messages: [StoredMessage] = []
        guard last > 0 else { return [] }
        for sequence in max(first, 1)...last {
            var message: OpaquePointer?
            var status = js_GetMsg(&message, jetStream, stream, sequence, nil, &code)
            // A sequence with no message (deleted) is skipped; any other failure (a request timing out on a
            // loaded machine) is tried again, then reported, never taken for a missing message.
            for _ in 0..<5 where status != NATS_OK && status != NATS_NOT_FOUND && code != JSNoMessageFoundErr {
                status = js_GetMsg(&message, jetStream, stream, sequence, nil, &code)
            }
            if status == NATS_NOT_FOUND || code == JSNoMessageFoundErr { continue }
            guard status == NATS_OK, let message else {
                throw TestNginx.StartFailed(
                    log: "reading message \(sequence) of \(stream): status \(status), code \(code)")
            }
            defer { natsMsg_Destroy(message) }
            var value: UnsafePointer<CChar>?
            let id =
                natsMsgHeader_Get(message, "Nats-Msg-Id", &value) == NATS_OK ? value.map { String(cString: $0) } : nil
            let bytes = UnsafeRawBufferPointer(
                start: natsMsg_GetData(message), count: Int(natsMsg_GetDataLength(message)))
            messages.append(StoredMessage(sequence: sequence, messageID: id, payload: Array(bytes)))
        }
        return messages
    }
}
