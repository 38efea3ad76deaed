import Foundation
import Logging

/// A swift-log handler for standard error that speaks journald's language when systemd connected standard
/// error to the journal (`$JOURNAL_STREAM` set): each line starts with a `<N>` syslog priority and carries no
/// time stamp (the journal adds one). On a terminal or in a file, lines are readable text with a time stamp.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let isJournal: Bool
    private let label: String

    /// Creates a handler for `label`; `environment` decides whether the journal is listening.
    public init(label: String, level: Logger.Level, environment: [String: String]) {
        self.label = label
        self.logLevel = level
        self.isJournal = environment["JOURNAL_STREAM"] != nil
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
        let line: String
        if isJournal {
            line = "<\(Self.priority(event.level))>\(text)\n"
        } else {
            line = "\(Self.timestamp()) \(event.level) \(label): \(text)\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
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
