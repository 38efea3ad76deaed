/// When parsing one article gives up: the last resort against input that costs far more than its size
/// (every pass is linear, and tested so; this catches what the tests did not think of).
///
/// The parser asks between its passes and every few thousand words or blocks within them; past the deadline it
/// throws ``ArticleParseError`` with code `parse_timeout`. The clock is the caller's (the daemon counts the
/// worker thread's CPU time), so the parser itself stays pure.
public struct ParseDeadline: Sendable {
    /// What the limit is, for the error's reason (`pipeline.max_parse_seconds = 5 s of CPU time`).
    public let limit: String
    private let isPastNow: @Sendable () -> Bool

    /// A deadline that is past once `isPast` says so.
    public init(limit: String, isPast: @escaping @Sendable () -> Bool) {
        self.limit = limit
        self.isPastNow = isPast
    }

    /// No deadline.
    public static let none = ParseDeadline(limit: "none") { false }

    /// True once the deadline is past.
    public var isPast: Bool { isPastNow() }

    /// Throws `parse_timeout` once the deadline is past; `stage` says where parsing stopped.
    func check(_ stage: String) throws(ArticleParseError) {
        guard isPast else { return }
        throw timeout(stage)
    }

    /// The `parse_timeout` error for a parse stopped at `stage`.
    func timeout(_ stage: String) -> ArticleParseError {
        ArticleParseError(
            .parseTimeout,
            reason: "parsing took longer than \(limit) (stopped \(stage)); no article needs that long, so the "
                + "input is taken for one built to stall the parser")
    }
}
