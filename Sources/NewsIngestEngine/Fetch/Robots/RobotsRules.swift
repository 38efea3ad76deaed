/// What a host's `robots.txt` says to this crawler (RFC 9309): the rules of the groups for our product token
/// (or of the `*` groups when none names us), their `Crawl-delay`, and the file's `Sitemap:` lines.
///
/// Parsing is one pass over the lines; only the first ``maxBytes`` count, as the RFC allows. A rule line
/// before any `User-agent` line belongs to no group and is ignored; several groups for the same agent are
/// combined.
public struct RobotsRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        var allows: Bool
        var pattern: RobotsPattern
    }

    private var rules: [Rule]
    /// Seconds between requests the file asks of us (`nil`: it does not say).
    public private(set) var crawlDelaySeconds: Double?
    /// The sitemaps the file lists, as written.
    public private(set) var sitemaps: [String]
    /// True when nothing may be fetched (a `robots.txt` that could not be fetched, for now).
    public private(set) var isUnavailable = false

    /// Bytes of a `robots.txt` read; the rest is ignored (RFC 9309 §2.5: at least 500 KiB).
    public static let maxBytes = 500 * 1024

    /// Everything allowed: no `robots.txt` (a `4xx`).
    public static let allowAll = RobotsRules(rules: [], crawlDelaySeconds: nil, sitemaps: [])
    /// Nothing allowed: the `robots.txt` could not be fetched (`5xx`, unreachable), until it can.
    public static let disallowAll: RobotsRules = {
        var rules = RobotsRules(rules: [], crawlDelaySeconds: nil, sitemaps: [])
        rules.isUnavailable = true
        return rules
    }()

    private init(rules: [Rule], crawlDelaySeconds: Double?, sitemaps: [String]) {
        self.rules = rules
        self.crawlDelaySeconds = crawlDelaySeconds
        self.sitemaps = sitemaps
    }

    /// The rules of `text` for the crawler whose product token is `productToken` (`newsingest`).
    public init(parsing text: some Collection<UInt8>, productToken: String) {
        let token = Array(productToken.lowercased().utf8)
        var ours: [Rule] = []
        var anyone: [Rule] = []
        var ourDelay: Double?
        var anyoneDelay: Double?
        var sitemaps: [String] = []
        // The current group: whether it names us, names `*`, and whether its agent lines are over.
        var namesUs = false
        var namesAnyone = false
        var inRules = true
        var namesUsAnywhere = false
        for line in Array(text.prefix(Self.maxBytes)).split(whereSeparator: { $0 == 0x0A || $0 == 0x0D }) {
            let content = line.prefix { $0 != UInt8(ascii: "#") }
            guard let colon = content.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = String(decoding: content[..<colon], as: UTF8.self).trimmingASCIIWhitespace().lowercased()
            let value = content[(colon + 1)...].trimmingASCIIWhitespace()
            switch key {
            case "user-agent":
                if inRules { (namesUs, namesAnyone, inRules) = (false, false, false) }
                let agent = value.prefix { Self.isProductTokenByte($0) }.map(asciiLowercased)
                if value.elementsEqual([UInt8(ascii: "*")]) {
                    namesAnyone = true
                } else if !agent.isEmpty, agent.elementsEqual(token) {
                    namesUs = true
                    namesUsAnywhere = true
                }
            case "allow", "disallow":
                inRules = true
                // An empty `Disallow:` disallows nothing; an empty `Allow:` allows nothing more.
                guard !value.isEmpty else { continue }
                let rule = Rule(allows: key == "allow", pattern: RobotsPattern(value))
                if namesUs { ours.append(rule) }
                if namesAnyone { anyone.append(rule) }
            case "crawl-delay":
                inRules = true
                guard let seconds = Double(String(decoding: value, as: UTF8.self)), seconds.isFinite, seconds >= 0
                else { continue }
                if namesUs, ourDelay == nil { ourDelay = seconds }
                if namesAnyone, anyoneDelay == nil { anyoneDelay = seconds }
            case "sitemap":
                if !value.isEmpty { sitemaps.append(String(decoding: value, as: UTF8.self)) }
            default:
                continue
            }
        }
        self.init(
            rules: namesUsAnywhere ? ours : anyone, crawlDelaySeconds: namesUsAnywhere ? ourDelay : anyoneDelay,
            sitemaps: sitemaps)
    }

    /// True when the URL whose path and query is `pathAndQuery` may be fetched: the longest matching pattern
    /// decides, `Allow` winning a tie; no match allows. `/robots.txt` itself is always allowed.
    public func allows(_ pathAndQuery: Substring) -> Bool {
        if pathAndQuery == "/robots.txt" { return true }
        if isUnavailable { return false }
        let path = RobotsPattern.normalize(pathAndQuery.utf8)
        var best: Rule?
        for rule in rules where rule.pattern.length >= (best?.pattern.length ?? 0) && rule.pattern.matches(path) {
            if let current = best, current.pattern.length == rule.pattern.length, current.allows { continue }
            best = rule
        }
        return best?.allows ?? true
    }

    /// Letters, `-` and `_`: what a product token is made of (RFC 9309 §2.2.1).
    private static func isProductTokenByte(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_")
    }
}
