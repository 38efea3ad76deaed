import CNATS
import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The JetStream stream as a ``Sink``: each record is published asynchronously with a `Nats-Msg-Id`, and the
/// batch's outcomes are committed only once the stream acknowledged every record (``makeDurable(_:)``).
///
/// Exactly once: a publication whose acknowledgement did not come in time is published again under the same
/// id, and the stream's duplicate window makes it one message. A crash between publishing and committing is
/// mended at the next start (``NATSRecovery``), which looks the records past the committed sequence up in
/// the stream rather than trusting the window: however long the daemon stayed down, what the stream holds is
/// not published again. Used only on the writer's queue.
final class NATSSink: Sink {
    static let messageIDHeader = "Nats-Msg-Id"

    let settings: NATSSettings
    let dedupe: DedupePolicy
    let connection: NATSConnection
    let publications: NATSPublications
    private let logger: Logger
    /// Records written since the last commit, in order, kept until the stream acknowledged them.
    private var outgoing: [Outgoing] = []
    /// Records the stream refused since the last commit, for the writer to turn into error records.
    private var refusals: [RefusedRecord] = []
    /// The stream's highest sequence acknowledged: every record of this daemon not yet committed lies beyond
    /// the committed one.
    private var acknowledgedSequence: UInt64

    /// One record on its way to the stream.
    struct Outgoing {
        var messageID: String
        /// Its JSON line; the message is the line without its line feed.
        var line: [UInt8]
        var recordID: String
        var source: String
        /// True while the client holds it (handed over, or being handed over, and not yet answered or taken
        /// back).
        var isWithClient = false
    }

    /// Hands records to the client on a queue of its own, so that the writer goes on with its next batch
    /// meanwhile; remembers those the client did not take.
    final class Publisher: Sendable {
        let subject: String
        let connection: NATSConnection
        let publications: NATSPublications
        let queue = DispatchQueue(label: "newsingest.nats-publish")
        private let notTaken = Mutex<Set<String>>([])

        init(subject: String, connection: NATSConnection, publications: NATSPublications) {
            self.subject = subject
            self.connection = connection
            self.publications = publications
        }

        /// Publishes `line` (without its line feed) under `messageID` on ``queue``.
        func publishLater(_ line: [UInt8], messageID: String) {
            queue.async { @Sendable [self] in
                if !publish(line, messageID: messageID) { notTaken.withLock { _ = $0.insert(messageID) } }
            }
        }

        /// Waits until what was handed to ``publishLater(_:messageID:)`` is handed to the client, and gives
        /// the ids the client did not take.
        func drain() -> Set<String> {
            queue.sync {}
            return notTaken.withLock { ids in
                defer { ids.removeAll() }
                return ids
            }
        }

        /// Hands one message to the client; false when it did not take it (disconnected past its buffer, or
        /// the window of pending acknowledgements full past the stall wait).
        func publish(_ line: [UInt8], messageID: String) -> Bool {
            var message: OpaquePointer?
            let length = line.last == 0x0A ? line.count - 1 : line.count
            let status = subject.withCString { subject in
                line.withUnsafeBytes { bytes in
                    natsMsg_Create(&message, subject, nil, bytes.baseAddress, Int32(length))
                }
            }
            guard status == NATS_OK else { return false }
            defer { natsMsg_Destroy(message) }
            guard natsMsgHeader_Set(message, NATSSink.messageIDHeader, messageID) == NATS_OK else { return false }
            guard js_PublishMsgAsync(connection.jetStream, &message, nil) == NATS_OK else { return false }
            publications.published.add(1, ordering: .relaxed)
            return true
        }
    }

    /// Connects and makes or checks the stream; ``recover(state:linesInFile:committing:)`` comes next.
    init(settings: NATSSettings, dedupe: DedupePolicy, logger: Logger) throws {
        self.settings = settings
        self.dedupe = dedupe
        self.logger = logger
        let publications = NATSPublications()
        self.publications = publications
        connection = try NATSConnection(settings: settings, name: "newsingest", logger: logger) {
            message, ack, error in publications.receive(message, ack, error)
        }
        publisher = Publisher(subject: settings.subject, connection: connection, publications: publications)
        stream = NATSStream(settings: settings, connection: connection)
        lastSequenceAtStart = try stream.ensure(logger: logger)
        acknowledgedSequence = lastSequenceAtStart
    }

    private let stream: NATSStream
    private let publisher: Publisher
    private let lastSequenceAtStart: UInt64

    /// Deals with what a crash left between publishing and committing (``NATSRecovery``), then commits the
    /// stream's sequence with `ends` (the JSONL files' recovered ends).
    /// - Parameter linesInFile: records the JSONL output adopted at this start (written before a crash and
    ///   not committed), when the JSONL output is written too: those the stream lacks are published now.
    func recover(state: StateStore, linesInFile: [[UInt8]]?, committing ends: [OutputEnd]) throws {
        let recovery = NATSRecovery(sink: self, stream: stream, state: state, logger: logger)
        try recovery.recover(lastSequence: lastSequenceAtStart, linesInFile: linesInFile, committing: ends)
    }

    /// The `Nats-Msg-Id` of `message` (a publication, or a message read from the stream), if it has one.
    static func messageID(of message: OpaquePointer) -> String? {
        var value: UnsafePointer<CChar>?
        guard natsMsgHeader_Get(message, messageIDHeader, &value) == NATS_OK, let value else { return nil }
        return String(cString: value)
    }

    /// Where the state keeps the committed sequence of `stream` (among the outputs' committed ends).
    static func endName(of stream: String) -> String { "nats:" + stream }

    var committedEnds: [OutputEnd] {
        [OutputEnd(path: Self.endName(of: settings.stream), offset: Int64(acknowledgedSequence))]
    }

    /// The message id of a record: its content id under `dedupe = "content"` (the same content is one message
    /// whoever publishes it), with its source under `"none"` (each file or URL carrying it is one).
    func messageID(recordID: String, source: String) -> String {
        guard dedupe == .none else { return recordID }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in source.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return recordID + "-" + LowercaseHex.text(of: hash)
    }

    func prepare(forBatchOf bytes: Int, commitWaiting: () -> Int) throws {}

    func write(_ batch: SinkBatch) throws {
        for record in batch.records { enqueue(record.line, recordID: record.id, source: record.source) }
    }

    /// Adds a record (its JSON line) to what is on its way, and has the publisher hand it to the client (what
    /// the client does not take is published again by ``makeDurable(_:)``).
    func enqueue(_ line: [UInt8], recordID: String, source: String) {
        let record = Outgoing(
            messageID: messageID(recordID: recordID, source: source), line: line, recordID: recordID,
            source: source, isWithClient: true)
        publisher.publishLater(line, messageID: record.messageID)
        outgoing.append(record)
        publications.pending.store(outgoing.count, ordering: .relaxed)
    }

    /// Waits until the stream answered every record written since the last commit, publishing again (under
    /// the same ids) what the client could not take or whose answer did not come; throws when that takes
    /// longer than `ack_timeout` (the writer pauses and calls again).
    func makeDurable(_ policy: SyncPolicy) throws {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(settings.ackTimeoutSeconds * 1e9)
        let notTaken = publisher.drain()
        if !notTaken.isEmpty {
            for index in outgoing.indices where notTaken.contains(outgoing[index].messageID) {
                outgoing[index].isWithClient = false
            }
        }
        while true {
            var unanswered = 0
            for index in outgoing.indices where publications.answer(for: outgoing[index].messageID) == nil {
                unanswered += 1
                if !outgoing[index].isWithClient {
                    outgoing[index].isWithClient = publisher.publish(
                        outgoing[index].line, messageID: outgoing[index].messageID)
                }
            }
            guard unanswered > 0 else { break }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else {
                throw NATSError(
                    "waiting for JetStream to acknowledge \(unanswered) records", status: NATS_TIMEOUT)
            }
            var options = jsPubOptions()
            jsPubOptions_Init(&options)
            options.MaxWait = max(1, Int64((deadline - now) / 1_000_000))
            if js_PublishAsyncComplete(connection.jetStream, &options) != NATS_OK {
                takeBackFromClient()
            } else if outgoing.contains(where: { publications.answer(for: $0.messageID) == nil }) {
                // The client holds nothing more: a record still without an answer was not taken, or its answer
                // was an error of the client's own (no responders while the server restarts). After a moment
                // for the last answers to be recorded, it is handed over again.
                usleep(20_000)
                for index in outgoing.indices where publications.answer(for: outgoing[index].messageID) == nil {
                    outgoing[index].isWithClient = false
                }
            }
        }
        for record in outgoing {
            switch publications.answer(for: record.messageID) {
            case .stored(let sequence, _)?:
                acknowledgedSequence = max(acknowledgedSequence, sequence)
            case .refused(let code, let text)?:
                refusals.append(
                    RefusedRecord(recordID: record.recordID, source: record.source, reason: "\(text) (\(code))"))
            case nil:
                break
            }
        }
        publications.forget(outgoing.map(\.messageID))
        outgoing.removeAll(keepingCapacity: true)
        publications.pending.store(0, ordering: .relaxed)
    }

    /// Takes back from the client what awaits an answer (the acknowledgement was lost with a connection, or
    /// is late): it is published again under the same id, and an answer to the first publication is dropped.
    private func takeBackFromClient() {
        var list = natsMsgList()
        if js_PublishAsyncGetPendingList(&list, connection.jetStream) == NATS_OK { natsMsgList_Destroy(&list) }
        for index in outgoing.indices { outgoing[index].isWithClient = false }
    }

    func takeRefused() -> [RefusedRecord] {
        defer { refusals.removeAll() }
        return refusals
    }

    func mend(after error: any Error, commitWaiting: () -> Int) -> Bool { false }

    func reopen(commitWaiting: () -> Int) throws {}
}
