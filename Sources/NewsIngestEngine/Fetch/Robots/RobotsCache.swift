import Dispatch
import Foundation
import Logging

/// The `robots.txt` of each origin (`scheme://host:port`) the URL sources follow links to: fetched once
/// when a link there is first checked, shared by every check waiting for it, and kept for as long as its
/// caching headers say (at least a minute, at most a day, a day when they say nothing).
///
/// As RFC 9309 has it: a `4xx` (no file) allows everything; a `5xx`, a `429` or no answer at all
/// disallows everything for now, and the file is asked for again 15 seconds later, when a link needs it;
/// only the first 500 KiB of a file count. Used on the URL source's queue only.
final class RobotsCache: Sendable {
    private struct Entry {
        var rules: RobotsRules?
        /// Monotonic nanoseconds after which the rules are fetched again.
        var expires: UInt64 = 0
        /// Checks waiting for the fetch in flight.
        var waiting: [@Sendable (RobotsRules) -> Void] = []
    }

    private let client: HTTPClient
    private let queue: DispatchQueue
    private let logger: Logger
    private let productToken: String
    private let entries: QueueBound<[String: Entry]>

    /// The most origins remembered; past it, expired entries are dropped, then every settled one.
    static let maxOrigins = 10_000
    static let shortestLifetime: Double = 60
    static let longestLifetime: Double = 86_400
    /// How long an unavailable `robots.txt` disallows everything before it is asked for again.
    static let unavailableRetry: Double = 15

    /// `userAgent`'s product token (what precedes the first `/` or space) names our group.
    init(client: HTTPClient, queue: DispatchQueue, userAgent: String, logger: Logger) {
        self.client = client
        self.queue = queue
        self.logger = logger
        productToken = String(userAgent.prefix { $0 != "/" && $0 != " " })
        entries = QueueBound([:], on: queue)
    }

    /// Calls `then` on the queue with the rules for `url`'s origin, fetching them first when they are not
    /// known or have expired. `template` gives the fetch its timeouts, user agent, CA file, scope and pace.
    func rules(for url: String, template: HTTPRequest, then: @escaping @Sendable (RobotsRules) -> Void) {
        guard let origin = URLParts.origin(of: url) else { return then(.allowAll) }
        let now = DispatchTime.now().uptimeNanoseconds
        if let entry = entries.wrapped[origin] {
            if !entry.waiting.isEmpty { return entries.wrapped[origin]!.waiting.append(then) }
            if let rules = entry.rules, entry.expires > now { return then(rules) }
        }
        if entries.wrapped.count >= Self.maxOrigins { forgetSettled(now: now) }
        entries.wrapped[origin, default: Entry()].waiting = [then]
        var request = template
        request.url = origin + "/robots.txt"
        request.headers = []
        request.etag = nil
        request.lastModified = nil
        request.maxBytes = RobotsRules.maxBytes
        request.truncatesAtMaxBytes = true
        request.scope.redirectHosts = HostScope(of: request.url)
        client.fetch(request) { @Sendable [self] result in
            queue.async { @Sendable [self] in settle(origin, with: result) }
        }
    }

    private func settle(_ origin: String, with result: Result<HTTPResponse, HTTPFetchError>) {
        let rules: RobotsRules
        var lifetime = Self.longestLifetime
        switch result {
        case .success(let response) where (200..<300).contains(response.status):
            rules = RobotsRules(parsing: response.body, productToken: productToken)
            lifetime = Self.lifetime(of: response)
        case .success(let response) where (400..<500).contains(response.status) && response.status != 429:
            rules = .allowAll
        case .success(let response):
            logger.warning(
                "robots.txt unavailable: no link there is fetched until it answers",
                metadata: ["url": "\(origin)/robots.txt", "status": "\(response.status)"])
            (rules, lifetime) = (.disallowAll, Self.unavailableRetry)
        case .failure(let error) where error.isTransient || error.kind == .other:
            logger.warning(
                "robots.txt unreachable: no link there is fetched until it answers",
                metadata: ["url": "\(origin)/robots.txt", "code": "\(error.kind.rawValue)"])
            (rules, lifetime) = (.disallowAll, Self.unavailableRetry)
        case .failure:
            // A redirect loop or one off the site: RFC 9309 §2.3.1.2 lets a crawler take the file as absent.
            rules = .allowAll
        }
        let waiting = entries.wrapped[origin]?.waiting ?? []
        entries.wrapped[origin] = Entry(
            rules: rules, expires: DispatchTime.now().uptimeNanoseconds + UInt64(lifetime * 1e9), waiting: [])
        for check in waiting { check(rules) }
    }

    /// How long a fetched `robots.txt` is kept: `Cache-Control: max-age`, else `Expires` (against `Date`),
    /// within a minute and a day; a day when neither says.
    static func lifetime(of response: HTTPResponse) -> Double {
        var seconds: Double?
        if let control = response.header("cache-control")?.lowercased() {
            for directive in control.split(separator: ",") {
                let pair = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair[0] == "no-store" || pair[0] == "no-cache" { seconds = 0 }
                if pair.count == 2, pair[0] == "max-age", let age = Double(pair[1]) { seconds = age }
            }
        }
        if seconds == nil, let expires = response.header("expires").flatMap(HTTPDate.parse) {
            let date = response.header("date").flatMap(HTTPDate.parse) ?? Date()
            seconds = expires.timeIntervalSince(date)
        }
        return min(max(seconds ?? longestLifetime, shortestLifetime), longestLifetime)
    }

    private func forgetSettled(now: UInt64) {
        entries.wrapped = entries.wrapped.filter { !$0.value.waiting.isEmpty || $0.value.expires > now }
        if entries.wrapped.count >= Self.maxOrigins {
            entries.wrapped = entries.wrapped.filter { !$0.value.waiting.isEmpty }
        }
    }
}
