import Dispatch
import NewsIngestSystem
import Synchronization

/// Standard output collected into large writes: a record line is a few kilobytes, and one `write(2)` each
/// would cost more than the parse of a small article.
///
/// Used by one caller at a time (the batch appends in order, under its own lock). A full buffer is written by
/// a queue of its own while the next one fills, so that caller does not hold its lock through a `write` of a
/// mebibyte (the batch's other workers waited on it in the kernel); at most two full buffers wait for the
/// queue, so a slow reader holds memory to a few mebibytes and slows the batch down instead. ``flush()``
/// returns once everything appended is written.
final class BufferedOutput: @unchecked Sendable {
    private let destination: FileDescriptor
    /// Touched by the one caller only.
    private var buffer: [UInt8] = []
    private let writer = DispatchQueue(label: "newsingest.output")
    private let queuedBuffers = DispatchSemaphore(value: 2)
    /// The first write that failed; later buffers are dropped and every call after it throws it.
    private let failure = Mutex<SystemCallError?>(nil)
    private static let flushAt = 1 << 20

    init(_ destination: FileDescriptor) {
        self.destination = destination
        buffer.reserveCapacity(Self.flushAt + (64 << 10))
    }

    /// Adds `bytes`; hands the buffer to the writer queue once it holds a mebibyte.
    /// - Throws: the error of an earlier write (a reader gone: `EPIPE`).
    func append(_ bytes: [UInt8]) throws(SystemCallError) {
        if let error = failure.withLock({ $0 }) { throw error }
        buffer += bytes
        if buffer.count >= Self.flushAt { startWriting() }
    }

    /// Writes everything appended so far and waits until it is written.
    func flush() throws(SystemCallError) {
        if !buffer.isEmpty { startWriting() }
        writer.sync {}
        if let error = failure.withLock({ $0 }) { throw error }
    }

    private func startWriting() {
        let full = buffer
        buffer = []
        buffer.reserveCapacity(Self.flushAt + (64 << 10))
        queuedBuffers.wait()
        writer.async { @Sendable [self] in
            defer { queuedBuffers.signal() }
            guard failure.withLock({ $0 == nil }) else { return }
            do throws(SystemCallError) {
                try destination.writeAll(full)
            } catch {
                failure.withLock { $0 = error }
            }
        }
    }
}
