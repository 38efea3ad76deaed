import Synchronization

/// Links a URL source did not follow, by reason, since the start: what `/metrics` shows as
/// `newsingest_links_skipped_total{reason=…}`.
public final class SkippedLinks: Sendable {
    /// Why a link was not followed.
    public enum Reason: String, Sendable, CaseIterable {
        /// Off the index's site and its `follow_hosts`.
        case offSite = "off_site"
        /// It carries credentials (`user:pw@`) for a host other than the configured URL's own.
        case credentials
        /// The host's `robots.txt` disallows it.
        case robots
    }

    private let counts = Mutex<[Reason: Int]>([:])

    public init() {}

    func count(_ reason: Reason, _ number: Int = 1) {
        guard number > 0 else { return }
        counts.withLock { $0[reason, default: 0] += number }
    }

    /// The count for each reason.
    public var snapshot: [Reason: Int] { counts.withLock { $0 } }
}
