/// The JSONL files and a JetStream stream as one ``Sink``: each batch goes to the files first (its error
/// records always, its records unless the stream is the only output), then to the stream; a commit waits for
/// both. Publishing never fails a write (what the stream has not taken is published again before the
/// commit), so a batch retried after a failed write is never in the stream twice.
final class FanOutSink: Sink {
    let file: JSONLSink
    let stream: NATSSink
    /// False when records go to the stream only (`output.jsonl = false`): the files then hold the error log.
    let recordsToFile: Bool

    init(file: JSONLSink, stream: NATSSink, recordsToFile: Bool) {
        self.file = file
        self.stream = stream
        self.recordsToFile = recordsToFile
    }

    var committedEnds: [OutputEnd] { file.committedEnds + stream.committedEnds }

    func prepare(forBatchOf bytes: Int, commitWaiting: () -> Int) throws {
        try file.prepare(forBatchOf: recordsToFile ? bytes : 0, commitWaiting: commitWaiting)
    }

    func write(_ batch: SinkBatch) throws {
        var fileBatch = batch
        if !recordsToFile { fileBatch.records = [] }
        try file.write(fileBatch)
        try stream.write(batch)
    }

    func makeDurable(_ policy: SyncPolicy) throws {
        try file.makeDurable(policy)
        try stream.makeDurable(policy)
    }

    func mend(after error: any Error, commitWaiting: () -> Int) -> Bool {
        file.mend(after: error, commitWaiting: commitWaiting)
    }

    func reopen(commitWaiting: () -> Int) throws { try file.reopen(commitWaiting: commitWaiting) }

    func takeRefused() -> [RefusedRecord] {
        stream.takeRefused().map { refused in
            var refused = refused
            refused.isKeptElsewhere = recordsToFile
            return refused
        }
    }
}
