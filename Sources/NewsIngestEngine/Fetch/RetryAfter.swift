/// `Retry-After` (RFC 9110 §10.2.3): how long a server that answered `429` or `503` asks to be left alone.
public enum RetryAfter {
    /// Seconds (digits only, as RFC 9110 has it: not `nan`, `inf` or `-5`; any number of them, a huge one
    /// being `infinity`), or an HTTP date (one past is 0); `nil` for anything else.
    public static func seconds(_ value: String) -> Double? {
        let trimmed = value.trimmingASCIIWhitespace()
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            return Double(trimmed) ?? .infinity
        }
        return HTTPDate.parse(value).map { max(0, $0.timeIntervalSinceNow) }
    }
}
