import Dispatch
import NewsIngestSystem
import Synchronization

/// Standard output collected into large writes: a record line is a few kilobytes, and one `write(2)` each
/// would cost more than the parse of a small article.
///
/// Used by one caller at a time (the batch appends in order, under its own lock). A full buffer is written by
/// a queue of its own while the next one fills, so that caller does not hold its lock through a `write` of a
/// mebibyte (the batch's other workers waited on it in the kernel); at most two full buffers wait for the
/// queue, so a slow reader holds memory to a few mebibytes and slows the batch down instead. Written buffers
/// are filled again rather than freed: a new mebibyte each time came from `mmap`, and its first touch of each
/// page was a page fault and a page cleared by the kernel (40 000 faults for 50 000 files, 4 000 now). ``flush()``
/// returns once everything appended is written.
final class BufferedOutput: @unchecked Sendable {
    private let destination: FileDescriptor
    /// Touched by the one caller only.
    private var buffer: [UInt8]
    private let writer = DispatchQueue(label: "newsingest.output")
    private let queuedBuffers = DispatchSemaphore(value: 2)
    /// Full buffers waiting for the writer, first first, and buffers written and emptied, their memory kept,
    /// for the caller to fill again. Handed over through here so that each is held by one owner at a time
    /// (emptying a buffer held twice would allocate a new one).
    private let buffers = Mutex<(full: [[UInt8]], emptied: [[UInt8]])>(([], []))
    /// The first write that failed; later buffers are dropped and every call after it throws it.
    private let failure = Mutex<SystemCallError?>(nil)
    private static let flushAt = 1 << 20

    init(_ destination: FileDescriptor) {
        self.destination = destination
        buffer = Self.newBuffer()
    }

    private static func newBuffer() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushAt + (64 << 10))
        return buffer
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
        queuedBuffers.wait()
        var full = buffers.withLock { $0.emptied.popLast() } ?? Self.newBuffer()
        swap(&full, &buffer)
        handOver(consume full)
        writer.async { @Sendable [self] in
            defer { queuedBuffers.signal() }
            var full = buffers.withLock { $0.full.removeFirst() }
            guard failure.withLock({ $0 == nil }) else { return }
            do throws(SystemCallError) {
                try destination.writeAll(full)
            } catch {
                failure.withLock { $0 = error }
            }
            full.removeAll(keepingCapacity: true)
            buffers.withLock { $0.emptied.append(full) }
        }
    }

    /// Puts `full` in line for the writer: once this returns, the line holds the buffer's only reference.
    private func handOver(_ full: consuming [UInt8]) {
        buffers.withLock { $0.full.append(copy full) }
    }
}
