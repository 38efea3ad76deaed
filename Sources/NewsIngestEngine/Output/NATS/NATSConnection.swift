import CNATS
import Logging
import NewsIngestSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One connection to NATS and its JetStream context (libnats), reconnecting by itself for as long as the
/// daemon runs: one log line when it is lost, one when it is back.
///
/// libnats connections and contexts may be used from any thread; this type only owns them.
final class NATSConnection: @unchecked Sendable {
    let connection: OpaquePointer
    let jetStream: OpaquePointer
    let events: Events
    private let options: OpaquePointer

    /// What the client's callbacks tell (on its own threads), kept for the log, the status and the metrics.
    final class Events: Sendable {
        let logger: Logger
        /// Reconnections since the start.
        let reconnects = Atomic<Int>(0)
        /// False from a lost connection until it is back.
        let isConnected = Atomic<Bool>(true)
        /// Set when the daemon closes the connection itself: no outage to report.
        let isClosing = Atomic<Bool>(false)
        /// Called on the client's thread with each publish acknowledgement: the message, its ack or error.
        let onAck:
            @Sendable (OpaquePointer?, UnsafeMutablePointer<jsPubAck>?, UnsafeMutablePointer<jsPubAckErr>?) ->
                Void

        init(
            logger: Logger,
            onAck:
                @escaping @Sendable (
                    OpaquePointer?, UnsafeMutablePointer<jsPubAck>?, UnsafeMutablePointer<jsPubAckErr>?
                ) -> Void
        ) {
            self.logger = logger
            self.onAck = onAck
        }

        static func of(_ closure: UnsafeMutableRawPointer?) -> Events {
            Unmanaged<Events>.fromOpaque(closure!).takeUnretainedValue()
        }
    }

    /// Connects to `settings.servers` (failing at once when none answers) with a JetStream context whose
    /// asynchronous publications call `onAck`.
    init(
        settings: NATSSettings, name: String, logger: Logger,
        onAck:
            @escaping @Sendable (
                OpaquePointer?, UnsafeMutablePointer<jsPubAck>?, UnsafeMutablePointer<jsPubAckErr>?
            ) -> Void = { _, _, _ in }
    ) throws(NATSError) {
        events = Events(logger: logger, onAck: onAck)
        let servers = settings.servers.joined(separator: ", ")
        var options: OpaquePointer?
        try Self.check(natsOptions_Create(&options), "creating the NATS client's options")
        self.options = options!
        let closure = Unmanaged.passUnretained(events).toOpaque()
        do {
            try Self.configure(options!, settings, name: name, closure: closure)
            var connection: OpaquePointer?
            try Self.check(natsConnection_Connect(&connection, options), "connecting to \(servers)")
            self.connection = connection!
        } catch {
            natsOptions_Destroy(options)
            throw error
        }
        var jetStreamOptions = jsOptions()
        jsOptions_Init(&jetStreamOptions)
        jetStreamOptions.Wait = Int64(settings.ackTimeoutSeconds * 1000)
        jetStreamOptions.PublishAsync.MaxPending = Int64(settings.maxPendingAcks)
        jetStreamOptions.PublishAsync.StallWait = 50
        jetStreamOptions.PublishAsync.AckHandler = { _, message, ack, error, closure in
            Events.of(closure).onAck(message, ack, error)
            natsMsg_Destroy(message)
        }
        jetStreamOptions.PublishAsync.AckHandlerClosure = closure
        var jetStream: OpaquePointer?
        let status = natsConnection_JetStream(&jetStream, connection, &jetStreamOptions)
        guard status == NATS_OK, let jetStream else {
            natsConnection_Destroy(connection)
            natsOptions_Destroy(self.options)
            throw NATSError("opening a JetStream context", status: status)
        }
        self.jetStream = jetStream
    }

    deinit {
        events.isClosing.store(true, ordering: .relaxed)
        jsCtx_Destroy(jetStream)
        natsConnection_Close(connection)
        natsConnection_Destroy(connection)
        natsOptions_Destroy(options)
    }

    private static func configure(
        _ options: OpaquePointer, _ settings: NATSSettings, name: String, closure: UnsafeMutableRawPointer
    ) throws(NATSError) {
        var servers = settings.servers.map { strdup($0) }
        defer { servers.forEach { free($0) } }
        let status = servers.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                natsOptions_SetServers(options, $0, Int32(buffer.count))
            }
        }
        try check(status, "reading the server URLs \(settings.servers)")
        try check(natsOptions_SetName(options, name), "naming the connection")
        try check(natsOptions_SetTimeout(options, Int64(settings.connectTimeoutSeconds * 1000)), "setting the timeout")
        try check(natsOptions_SetMaxReconnect(options, -1), "setting reconnection")
        try check(natsOptions_SetReconnectWait(options, 500), "setting reconnection")
        try check(natsOptions_SetReconnectJitter(options, 250, 1000), "setting reconnection")
        try check(natsOptions_SetReconnectBufSize(options, 64 << 20), "setting the reconnect buffer")
        try check(natsOptions_SetPingInterval(options, 5000), "setting pings")
        try check(natsOptions_SetMaxPingsOut(options, 2), "setting pings")
        if let token = settings.token { try check(natsOptions_SetToken(options, token), "setting the token") }
        if let file = settings.credentialsFile {
            try check(natsOptions_SetUserCredentialsFromFiles(options, file, nil), "reading credentials \(file)")
        }
        if let file = settings.nkeySeedFile {
            try check(natsOptions_SetUserCredentialsFromFiles(options, nil, file), "reading the NKey seed \(file)")
        }
        if let file = settings.caFile {
            try check(natsOptions_SetSecure(options, true), "requiring TLS")
            try check(natsOptions_LoadCATrustedCertificates(options, file), "reading the CA file \(file)")
        }
        try check(
            natsOptions_SetDisconnectedCB(
                options,
                { _, closure in
                    let events = Events.of(closure)
                    guard !events.isClosing.load(ordering: .relaxed),
                        events.isConnected.exchange(false, ordering: .relaxed)
                    else { return }
                    events.logger.warning("lost the connection to NATS; reconnecting, publications wait meanwhile")
                }, closure), "setting callbacks")
        try check(
            natsOptions_SetReconnectedCB(
                options,
                { connection, closure in
                    let events = Events.of(closure)
                    events.reconnects.add(1, ordering: .relaxed)
                    events.isConnected.store(true, ordering: .relaxed)
                    events.logger.notice(
                        "reconnected to NATS", metadata: ["server": "\(NATSConnection.connectedURL(connection))"])
                }, closure), "setting callbacks")
        try check(
            natsOptions_SetErrorHandler(
                options,
                { _, _, status, closure in
                    Events.of(closure).logger.error(
                        "NATS reported an error", metadata: ["error": "\(String(cString: natsStatus_GetText(status)))"])
                }, closure), "setting callbacks")
    }

    /// The URL of the server `connection` is connected to, or "" when none.
    static func connectedURL(_ connection: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard natsConnection_GetConnectedUrl(connection, &buffer, buffer.count) == NATS_OK else { return "" }
        return String(textBefore: buffer)
    }

    /// Throws a ``NATSError`` saying what was `doing` unless `status` is `NATS_OK`.
    static func check(_ status: natsStatus, _ doing: @autoclosure () -> String) throws(NATSError) {
        guard status == NATS_OK else { throw NATSError(doing(), status: status) }
    }
}
