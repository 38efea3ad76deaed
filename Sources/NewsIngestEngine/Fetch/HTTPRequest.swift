/// One GET request and the limits it runs under.
public struct HTTPRequest: Sendable, Equatable {
    /// `http://` or `https://` only; redirects are held to the same.
    public var url: String
    /// Extra request headers, `Name: value`.
    public var headers: [String] = []
    /// Validators from an earlier response, sent as `If-None-Match` and `If-Modified-Since`.
    public var etag: String?
    public var lastModified: String?
    /// Seconds to connect, and for the whole transfer.
    public var connectTimeoutSeconds: Double = 10
    public var timeoutSeconds: Double = 30
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds` is cut off (a trickling server).
    public var lowSpeedBytesPerSecond = 100
    public var lowSpeedSeconds = 10
    /// Largest decoded body; the transfer is aborted as soon as more arrives (a compression bomb stops here).
    public var maxBytes = 10 * 1024 * 1024
    public var userAgent = "newsingest/1"
    /// A CA bundle to verify servers against instead of the system's. Verification is never turned off.
    public var caFile: String?
    /// Where the fetch may connect and where its redirects may lead.
    public var scope = FetchScope.unrestricted
    /// Seconds between the starts of two requests to this request's host (`scheme://host:port`); the
    /// client holds the request back until that long after the last one started.
    public var minIntervalSeconds: Double = 0
    /// True to keep the first `maxBytes` of a longer body (and end the transfer there) rather than fail:
    /// `robots.txt`, of which only the first 500 KiB count.
    public var truncatesAtMaxBytes = false
    /// Redirects still followed before the fetch fails as a loop.
    public var redirectsLeft = 5
    /// The kind of address the first hop connected to, once a redirect was followed.
    var firstAddressKind: AddressKind?

    /// True for the URLs fetched at all: `http://` and `https://`.
    public static func isFetchable(_ url: String) -> Bool {
        let lowercased = url.lowercased()
        return lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://")
    }

    /// Creates a request for `url` with the default limits.
    public init(url: String) {
        self.url = url
    }
}

/// A completed response (any status).
public struct HTTPResponse: Sendable, Equatable {
    /// The status of the last response (after redirects).
    public var status: Int
    /// The URL the body came from, after redirects.
    public var finalURL: String
    /// Headers of the last response, names lowercased, in order.
    public var headers: [(name: String, value: String)]
    /// The decoded body.
    public var body: [UInt8]
    /// The HTTP version the response came in: `1.1`, `2` (`nil` when libcurl did not say).
    public var httpVersion: String?
    /// The kind of address the request's first connection went to, before any redirect (`nil` when libcurl
    /// did not say): what the links of a configured index may reach besides public addresses.
    public var addressKind: AddressKind?
    /// Where a `3xx` response points (resolved), for the client to follow.
    var redirectTarget: String?

    /// The first header named `name` (lowercase).
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    public static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.finalURL == rhs.finalURL && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// Why a transfer brought no response.
public struct HTTPFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, for retries and the error log's `code`.
    public enum Kind: String, Sendable {
        /// The body grew past `maxBytes`.
        case tooLarge = "too_large"
        /// Connect or total timeout, or slower than the low-speed limit.
        case timeout
        /// Refused, reset, DNS, TLS: the connection failed.
        case connection
        /// A redirect loop or too many redirects, or a redirect to a scheme other than http(s).
        case redirect
        /// A URL that is not http(s), or malformed.
        case badURL = "bad_url"
        /// A link or redirect led to an address it may not reach (loopback, private, link-local…).
        case addressNotAllowed = "address_not_allowed"
        /// A redirect led off the source's site and its `follow_hosts`.
        case redirectNotAllowed = "redirect_not_allowed"
        /// Anything else libcurl reported.
        case other
    }

    public var kind: Kind
    public var url: String
    /// libcurl's message.
    public var message: String

    /// Timeouts and failed connections are worth retrying.
    public var isTransient: Bool { kind == .timeout || kind == .connection }

    public var description: String { "\(url): \(kind.rawValue): \(message)" }
}
