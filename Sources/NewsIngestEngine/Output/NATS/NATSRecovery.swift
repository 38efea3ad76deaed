import CNATS
import Logging

/// What start-up does with what a crash left between publishing and committing: the stream's messages past
/// the committed sequence are read (by sequence, so however long ago) and stand for their records, which are
/// not published again; records the JSONL output adopted that the stream lacks are published now.
struct NATSRecovery {
    let sink: NATSSink
    let stream: NATSStream
    let state: StateStore
    let logger: Logger
    /// Messages read from the stream at a time, adopted together.
    static let chunk = 1024

    /// Recovers, and commits the stream's sequence now as the committed one, with `ends`.
    /// - Parameters:
    ///   - lastSequence: the stream's last sequence at start.
    ///   - linesInFile: the records the JSONL output adopted at this start, when it is written too; `nil`
    ///     when the stream is the only output (its messages are then adopted in the state).
    ///   - ends: the other outputs' ends, committed together with the stream's: the lines a file adopted are
    ///     past its committed end until the stream has them.
    func recover(lastSequence: UInt64, linesInFile: [[UInt8]]?, committing ends: [OutputEnd]) throws {
        let endName = NATSSink.endName(of: sink.settings.stream)
        let committed = try state.committedEnd(ofOutput: endName).map { UInt64($0.offset) }
        if committed == nil, lastSequence > 0 {
            logger.notice(
                "the state has no committed sequence for this stream; reading the whole stream for records it holds",
                metadata: ["stream": "\(sink.settings.stream)", "messages": "\(lastSequence)"])
        }
        var inStream = Set<String>()
        var adopted: [AdoptedLine] = []
        var read = 0
        var sequence = (committed ?? 0) + 1
        while sequence <= lastSequence {
            defer { sequence += 1 }
            guard let message = try message(at: sequence) else { continue }
            defer { natsMsg_Destroy(message) }
            let payload = UnsafeBufferPointer(
                start: natsMsg_GetData(message).map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) },
                count: Int(natsMsg_GetDataLength(message)))
            guard let line = AdoptedLine(recordLine: payload) else { continue }
            read += 1
            if let id = NATSSink.messageID(of: message) { inStream.insert(id) }
            if linesInFile == nil {
                adopted.append(line)
                if adopted.count == Self.chunk {
                    try state.adoptRecoveredLines(adopted)
                    adopted.removeAll(keepingCapacity: true)
                }
            }
        }
        if !adopted.isEmpty { try state.adoptRecoveredLines(adopted) }
        var published = 0
        for line in linesInFile ?? [] {
            guard let record = AdoptedLine(recordLine: line), let source = record.path,
                !inStream.contains(sink.messageID(recordID: record.id, source: source))
            else { continue }
            sink.enqueue(line, recordID: record.id, source: source)
            published += 1
        }
        if published > 0 { try sink.makeDurable(.batch) }
        try state.commit([], ends: ends + sink.committedEnds)
        if read > 0 || published > 0 {
            logger.notice(
                "recovered what a crash left between publishing and committing",
                metadata: [
                    "stream": "\(sink.settings.stream)", "found_in_stream": "\(read)",
                    "published_from_output": "\(published)",
                ])
        }
    }

    /// The stream's message at `sequence` (to be destroyed by the caller), or `nil` when none is there (it was
    /// deleted, or the stream's limits dropped it).
    private func message(at sequence: UInt64) throws(NATSError) -> OpaquePointer? {
        var message: OpaquePointer?
        var code = jsErrCode(0)
        let status = js_GetMsg(&message, sink.connection.jetStream, sink.settings.stream, sequence, nil, &code)
        if status == NATS_NOT_FOUND || code == JSNoMessageFoundErr { return nil }
        guard status == NATS_OK else {
            throw NATSError(
                "reading message \(sequence) of the stream \(sink.settings.stream)", status: status, code: code)
        }
        return message
    }
}
