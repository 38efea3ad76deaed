/// The lines a batch parse shows on standard error: progress while it works, a summary at the end.
public enum BatchProgress {
    /// `1234/50000 files · 12.3/400.0 MB · 45.6 MB/s · ETA 0:08 · 2 errors`: done of the total, the rate so
    /// far, the time left at that rate (by bytes, or by files when the sizes are unknown).
    public static func line(_ tally: BatchRun.Tally, totalFiles: Int, totalBytes: Int64, seconds: Double) -> String {
        let rate = seconds > 0 ? Double(tally.bytes) / 1e6 / seconds : 0
        var left: Double?
        if tally.bytes > 0, totalBytes > 0 {
            left = seconds * Double(totalBytes - tally.bytes) / Double(tally.bytes)
        } else if tally.files > 0 {
            left = seconds * Double(totalFiles - tally.files) / Double(tally.files)
        }
        var parts = [
            "\(tally.files)/\(totalFiles) files",
            "\(megabytes(tally.bytes))/\(megabytes(totalBytes)) MB",
            "\(oneDecimal(rate)) MB/s",
        ]
        if let left { parts.append("ETA \(clock(left))") }
        parts.append(tally.errors == 1 ? "1 error" : "\(tally.errors) errors")
        return parts.joined(separator: " · ")
    }

    /// `parsed 50000 files: 49998 records, 2 errors, 400.0 MB in 5.2 s (76.9 MB/s)`.
    public static func summary(_ tally: BatchRun.Tally, seconds: Double) -> String {
        let rate = seconds > 0 ? Double(tally.bytes) / 1e6 / seconds : 0
        return "parsed \(tally.files) files: \(tally.records) records, \(tally.errors) errors, "
            + "\(megabytes(tally.bytes)) MB in \(oneDecimal(seconds)) s (\(oneDecimal(rate)) MB/s)"
    }

    static func megabytes(_ bytes: Int64) -> String { oneDecimal(Double(bytes) / 1e6) }

    static func oneDecimal(_ value: Double) -> String {
        guard value.isFinite else { return "0.0" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `0:08`, `12:34`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let total = seconds.isFinite ? max(0, Int(seconds.rounded())) : 0
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(rest))" : "\(minutes):\(twoDigits(rest))"
    }
}
