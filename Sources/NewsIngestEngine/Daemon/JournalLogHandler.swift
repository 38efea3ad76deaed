import Foundation
import Logging
import NewsIngestSystem
import Synchronization

/// A swift-log handler for standard error that speaks journald's language when systemd connected standard
/// error to the journal (`$JOURNAL_STREAM` set): each line starts with a `<N>` syslog priority and carries no
/// time stamp (the journal adds one). On a terminal or in a file, lines are readable text with a time stamp.
/// Either way an event is one line: control characters in its message and metadata are escaped
/// (``LogLineEscaping``).
///
/// A line that cannot be written (a full disk, a log file at the largest size allowed, a reader gone, the
/// journal restarting) is dropped, never fatal: the daemon goes on, and the next line that can be written is
/// preceded by one saying how many were lost.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let isJournal: Bool
    private let label: String
    private let destination: FileDescriptor
    private let lostLines: LostLineCount

    /// Lines dropped since the last one written, shared by the copies of a handler.
    private final class LostLineCount: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Creates a handler for `label`; `environment` decides whether the journal is listening. Lines go to
    /// `descriptor` (standard error unless a test says otherwise).
    public init(
        label: String, level: Logger.Level, environment: [String: String], descriptor: Int32 = STDERR_FILENO
    ) {
        self.label = label
        self.logLevel = level
        self.isJournal = environment["JOURNAL_STREAM"] != nil
        self.destination = FileDescriptor(borrowing: descriptor)
        self.lostLines = LostLineCount()
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = fields.isEmpty ? "\(event.message)" : "\(event.message) \(fields)"
        var line = format(LogLineEscaping.escaped(text), level: event.level)
        let lost = lostLines.count.exchange(0, ordering: .relaxed)
        if lost > 0 {
            line = format("lost \(lost) log lines: standard error could not take them", level: .warning) + line
        }
        do {
            try destination.writeAll(Array(line.utf8))
        } catch {
            // Nowhere to say so now: counted, and said with the next line that can be written.
            lostLines.count.add(1 + lost, ordering: .relaxed)
        }
    }

    /// One line of `text` at `level`, ending in a newline.
    private func format(_ text: String, level: Logger.Level) -> String {
        isJournal ? "<\(Self.priority(level))>\(text)\n" : "\(Self.timestamp()) \(level) \(label): \(text)\n"
    }

    /// syslog priorities: debug 7, info 6, notice 5, warning 4, error 3, critical 2.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var time = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &time)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            time.tm_year + 1900, time.tm_mon + 1, time.tm_mday, time.tm_hour, time.tm_min, time.tm_sec,
            now.tv_nsec / 1_000_000
        )
    }
}
