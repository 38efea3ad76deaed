import CNATS
import Synchronization

/// The answers JetStream gave to the sink's publications, by message id, as the client's thread receives
/// them; and the counts the metrics show.
final class NATSPublications: Sendable {
    /// What the stream said of one publication.
    enum Answer: Equatable {
        /// Stored at this sequence; `duplicate` when the stream had it already (a publication again, after a
        /// lost acknowledgement or a crash, under the same id).
        case stored(sequence: UInt64, duplicate: Bool)
        /// Refused for good (the stream full under `discard = "new"`, a message too large): the JetStream
        /// error code and text.
        case refused(code: Int, text: String)
    }

    private let answers = Mutex<[String: Answer]>([:])
    /// Counts since the start, for the metrics.
    let published = Atomic<Int>(0)
    let acknowledged = Atomic<Int>(0)
    let duplicates = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
    /// Publications awaiting their acknowledgement now.
    let pending = Atomic<Int>(0)

    /// Takes the client's acknowledgement (or error) for `message` (called on the client's thread).
    func receive(
        _ message: OpaquePointer?, _ ack: UnsafeMutablePointer<jsPubAck>?, _ error: UnsafeMutablePointer<jsPubAckErr>?
    ) {
        guard let message, let id = NATSSink.messageID(of: message) else { return }
        if let ack {
            acknowledged.add(1, ordering: .relaxed)
            if ack.pointee.Duplicate { duplicates.add(1, ordering: .relaxed) }
            answers.withLock { $0[id] = .stored(sequence: ack.pointee.Sequence, duplicate: ack.pointee.Duplicate) }
        } else if let error, error.pointee.ErrCode.rawValue != 0 {
            // A JetStream error is the stream's refusal; a client error (a timeout, the connection lost) is
            // not an answer: the message is published again.
            refused.add(1, ordering: .relaxed)
            let text = error.pointee.ErrText.map { String(cString: $0) } ?? "refused"
            answers.withLock { $0[id] = .refused(code: Int(error.pointee.ErrCode.rawValue), text: text) }
        }
    }

    /// The answer for `id`, if one came.
    func answer(for id: String) -> Answer? { answers.withLock { $0[id] } }

    /// Forgets the answers for `ids` (their outcomes are committed).
    func forget(_ ids: some Sequence<String>) {
        answers.withLock { answers in for id in ids { answers[id] = nil } }
    }
}
