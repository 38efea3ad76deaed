/// One `[[source.url]]`: a URL polled for an article, or for an index of article links.
public struct URLSettings: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The URL serves one article; ingested whenever its content changes.
        case article
        /// The URL lists articles (HTML links, RSS, Atom, a sitemap or a plain list); each new one is fetched.
        case index
    }

    /// Where an index starts.
    public enum StartAt: String, Sendable, CaseIterable {
        /// Every article listed at the first poll is fetched.
        case beginning
        /// What the first poll lists is remembered, not fetched; only later additions are.
        case now
    }

    public var url: String
    public var kind: Kind
    /// Seconds between polls.
    public var intervalSeconds: Double = 60
    /// Extra request headers, `Name: value`.
    public var headers: [String] = []
    /// Seconds for a whole transfer.
    public var timeoutSeconds: Double = 30
    /// Largest decoded body.
    public var maxBytes = 10 * 1024 * 1024
    /// Globs (`fnmatch`) a link of an index must match one of, and globs that exclude one.
    public var include: [String] = ["*"]
    public var exclude: [String] = []
    public var startAt: StartAt = .beginning
    /// Globs (`fnmatch`) on host names an index's links and any redirect may go to besides the URL's own site.
    public var followHosts: [String] = []
    /// True to let links and redirects reach loopback, private, link-local and other non-public addresses
    /// (the configured URL itself may always be on one).
    public var allowPrivateAddresses = false
    /// True to skip links `robots.txt` disallows and to pace hosts by its `Crawl-delay`.
    public var obeyRobots = true
    /// True to poll the sitemaps the `robots.txt` of an index's host lists, as indexes of this source.
    public var discoverSitemaps = false
    /// True to poll the RSS and Atom feeds an HTML index page names (`<link rel="alternate">`) instead of the
    /// page's own links.
    public var discoverFeeds = false

    public init(url: String, kind: Kind) {
        self.url = url
        self.kind = kind
    }
}

/// Settings shared by every URL source.
public struct FetchSettings: Sendable, Equatable {
    public var userAgent = "newsingest/1 (+https://github.com/newsingest)"
    /// A CA bundle instead of the system's; TLS verification is never turned off.
    public var caFile: String?
    public var maxTransfers = 32
    public var maxPerHost = 4
    public var connectTimeoutSeconds: Double = 10
    /// The longest wait a `Retry-After` obtains (an hour): a server asking for more (`999999`, a date in the
    /// year 9999) is waited on this long, and the clamp is logged.
    public var maxRetryAfterSeconds: Double = 3600
    /// Seconds between the starts of two requests to one host (`scheme://host:port`); a `Crawl-delay` raises
    /// it for its host. 0: no pause beyond `max_per_host`.
    public var minIntervalPerHostSeconds: Double = 0
    /// The longest `Crawl-delay` obeyed: a host asking for more is paced at this.
    public var maxCrawlDelaySeconds: Double = 60

    public init() {}
}
