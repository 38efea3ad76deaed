import CNATS

/// A failure of the NATS client or of a JetStream request: what was being done, the client's status and, for
/// JetStream, the server's error code.
public struct NATSError: Error, CustomStringConvertible, Sendable {
    /// What was being done (`connecting to nats://127.0.0.1:4222`).
    public var doing: String
    /// The client's status text (`Timeout`, `No responders available for request`).
    public var status: String
    /// The JetStream error code the server gave, 0 when none.
    public var code: Int
    /// The client's detailed message, when it gave one.
    public var detail: String
    /// True for what a retry may cure (the server down, slow or restarting); false for a refusal that would
    /// be given again (wrong credentials, a permission, a limit).
    public var isTransient: Bool

    init(_ doing: String, status: natsStatus, code: jsErrCode = jsErrCode(0)) {
        self.doing = doing
        self.status = String(cString: natsStatus_GetText(status))
        self.code = Int(code.rawValue)
        var lastStatus = NATS_OK
        let detail = nats_GetLastError(&lastStatus).map { String(cString: $0) } ?? ""
        self.detail = detail == self.status ? "" : detail
        isTransient =
            code.rawValue == 0
            && [
                NATS_TIMEOUT, NATS_NO_RESPONDERS, NATS_CONNECTION_CLOSED, NATS_CONNECTION_DISCONNECTED, NATS_NO_SERVER,
                NATS_STALE_CONNECTION, NATS_IO_ERROR, NATS_INSUFFICIENT_BUFFER,
            ].contains(status)
        isAuthorization = [NATS_CONNECTION_AUTH_FAILED, NATS_NOT_PERMITTED, NATS_SSL_ERROR].contains(status)
    }

    /// True when the server refused who we are or what we asked (credentials, permissions), or its TLS
    /// certificate could not be verified.
    public var isAuthorization: Bool

    public var description: String {
        var text = "\(doing): \(status)"
        if code != 0 { text += " (JetStream error \(code))" }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }
}
