import CNATS
import Logging

/// Reads the records of a JetStream stream in order through a pull consumer (durable when named, so a later
/// reader goes on where it stopped), acknowledging each batch once it was handed on: what `newsingest tail`
/// prints.
public final class NATSStreamReader {
    private let connection: NATSConnection
    private let subscription: OpaquePointer
    /// Messages the consumer had to deliver when the reader started (redeliveries of unacknowledged ones
    /// included): what `--no-follow` prints before it stops.
    public private(set) var pendingAtStart: UInt64 = 0

    /// Where a new consumer starts.
    public enum Start: Sendable {
        /// At the stream's first message.
        case first
        /// After its last one: only what is published from now on.
        case new
    }

    /// Subscribes to `settings.stream` (on `settings.subject`, or the stream's first subject when that is
    /// the default and the stream takes another).
    /// - Parameter durable: the consumer's name: it keeps its place between runs (its start applies when it
    ///   is made); `nil`, an ephemeral consumer.
    public init(settings: NATSSettings, durable: String?, start: Start, logger: Logger) throws {
        let connection = try NATSConnection(settings: settings, name: "newsingest tail", logger: logger)
        self.connection = connection
        let subjects = try NATSStream(settings: settings, connection: connection).subjects()
        var code = jsErrCode(0)
        let subject =
            subjects.contains(where: { NATSStream.filter($0, matches: settings.subject) })
            ? settings.subject : subjects.first ?? settings.subject
        // A durable consumer made by an earlier run is bound as it is: its place, not a new start, decides.
        var existing: UnsafeMutablePointer<jsConsumerInfo>?
        let exists =
            durable.map {
                js_GetConsumerInfo(&existing, connection.jetStream, settings.stream, $0, nil, &code) == NATS_OK
            } ?? false
        jsConsumerInfo_Destroy(existing)
        var options = jsSubOptions()
        jsSubOptions_Init(&options)
        if !exists {
            options.Config.DeliverPolicy = start == .first ? js_DeliverAll : js_DeliverNew
            options.Config.AckPolicy = js_AckExplicit
        }
        var subscription: OpaquePointer?
        let subscribed = settings.stream.withCString { stream in
            options.Stream = stream
            return (exists ? durable : nil).withOptionalCString { consumer in
                options.Consumer = consumer
                return js_PullSubscribe(&subscription, connection.jetStream, subject, durable, nil, &options, &code)
            }
        }
        guard subscribed == NATS_OK, let subscription else {
            throw NATSError(
                "subscribing to \(subject) in the stream \(settings.stream)", status: subscribed, code: code)
        }
        self.subscription = subscription
        var consumer: UnsafeMutablePointer<jsConsumerInfo>?
        if natsSubscription_GetConsumerInfo(&consumer, subscription, nil, &code) == NATS_OK, let consumer {
            pendingAtStart = consumer.pointee.NumPending + UInt64(max(0, consumer.pointee.NumAckPending))
            jsConsumerInfo_Destroy(consumer)
        }
    }

    deinit {
        natsSubscription_Destroy(subscription)
    }

    /// Fetches up to `count` messages, waiting up to `timeoutSeconds` for the first; hands each payload to
    /// `handle`, then calls `handedOn` (which writes them out), and only then acknowledges them: a reader
    /// that dies before, by a closed pipe say, leaves them to be delivered again.
    /// - Returns: how many there were (0 when none came in time).
    public func fetch(
        upTo count: Int, timeoutSeconds: Double, handle: (UnsafeRawBufferPointer) throws -> Void,
        handedOn: () throws -> Void
    ) throws -> Int {
        var code = jsErrCode(0)
        var fetched = natsMsgList()
        let status = natsSubscription_Fetch(&fetched, subscription, Int32(count), Int64(timeoutSeconds * 1000), &code)
        defer { natsMsgList_Destroy(&fetched) }
        if status == NATS_TIMEOUT { return 0 }
        guard status == NATS_OK else { throw NATSError("fetching from the stream", status: status, code: code) }
        let messages = (0..<Int(fetched.Count)).compactMap { fetched.Msgs[$0] }
        for message in messages {
            try handle(
                UnsafeRawBufferPointer(start: natsMsg_GetData(message), count: Int(natsMsg_GetDataLength(message))))
        }
        try handedOn()
        for message in messages {
            try NATSConnection.check(natsMsg_Ack(message, nil), "acknowledging a message")
        }
        return messages.count
    }
}

extension Optional where Wrapped == String {
    /// Calls `body` with the string as a C string, or with `nil`.
    fileprivate func withOptionalCString<Result>(_ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        guard let self else { return body(nil) }
        return self.withCString { body($0) }
    }
}
