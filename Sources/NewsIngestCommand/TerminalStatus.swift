import Dispatch
import NewsIngestSystem
import Synchronization

/// The status line a batch command keeps on standard error: redrawn a few times a second in place (`\r`,
/// then erase to the end of the line), moved out of the way of error messages, cleared at the end. When not
/// shown, error messages are written as they come and nothing else.
final class TerminalStatus: Sendable {
    let isShown: Bool
    /// True while a status line stands on the terminal (no newline after it yet).
    private let hasLine = Mutex(false)
    /// Set by ``startUpdating(_:)`` and taken by ``stopUpdating()``, both on the command's thread.
    private nonisolated(unsafe) var timer: (any DispatchSourceTimer)?

    init(isShown: Bool) {
        self.isShown = isShown
    }

    /// Redraws `line()` every quarter of a second until ``stopUpdating()``.
    func startUpdating(_ line: @escaping @Sendable () -> String) {
        guard isShown else { return }
        let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "newsingest.status"))
        source.schedule(deadline: .now(), repeating: .milliseconds(250))
        source.setEventHandler { @Sendable [self] in
            hasLine.withLock { hasLine in
                write("\r" + line() + "\u{1B}[K")
                hasLine = true
            }
        }
        source.resume()
        timer = source
    }

    /// Stops redrawing and clears the line.
    func stopUpdating() {
        guard let source = timer.take() else { return }
        source.cancel()
        hasLine.withLock { hasLine in
            if hasLine { write("\r\u{1B}[K") }
            hasLine = false
        }
    }

    /// Writes `message` on a line of its own, clearing the status line first; it is redrawn at the next tick.
    func printError(_ message: String) {
        hasLine.withLock { hasLine in
            if hasLine { write("\r\u{1B}[K") }
            hasLine = false
            write(message + "\n")
        }
    }

    /// Writes the summary when the status is shown.
    func printSummary(_ summary: String) {
        guard isShown else { return }
        hasLine.withLock { _ in write(summary + "\n") }
    }

    private func write(_ text: String) {
        try? StandardStreams.error.writeAll(Array(text.utf8))
    }
}
