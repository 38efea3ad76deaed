import Dispatch
import Foundation
import Logging
import NewsFormat
import NewsIngestSystem
import Synchronization

/// Polls `[[source.url]]` entries over the ``HTTPClient`` and feeds what they serve to the pipeline.
///
/// An `article` URL is fetched every interval with `If-None-Match`/`If-Modified-Since` from the state store, so
/// an unchanged article costs a `304` and nothing else. An `index` URL is fetched the same way; each link it
/// lists that was not taken before is fetched once as an article, and the index's validators are committed
/// only once every new link is taken, so a crash never hides a link behind a `304`.
///
/// What a remote server says is not trusted: a link is followed only on the index's own site or the
/// source's `follow_hosts`, only where `robots.txt` allows (paced by its `Crawl-delay`), and neither a link
/// nor a redirect may connect to a loopback, private or link-local address unless the configured URL is on
/// one of that kind or the source allows it (see ``FetchScope``). Credentials in a URL never reach a record
/// or a log line.
///
/// Timeouts, dropped connections and 5xx are retried with exponential backoff and jitter; `429`/`503` pause
/// their host for `Retry-After`; other 4xx and permanent failures go to the error log once per URL (until it
/// recovers). Polling, retries and the links of indexes run on one serial queue and the client's thread;
/// responses are parsed on the pipeline's workers. A slow or failing host never stalls directory ingestion.
/// At most `4 × max_transfers` links of indexes are being fetched, parsed or written at once (the rest wait
/// their turn), so the responses and records held in memory stay bounded however many links an index lists
/// and however slow the output's disk is. A URL counts as in flight, and is not fetched again, until its
/// result (a record, or a failure for good) is committed.
public final class URLSource: Sendable {
    let sources: [URLSettings]
    let fetch: FetchSettings
    let client: HTTPClient
    let pipeline: IngestPipeline
    let state: StateStore
    let logger: Logger
    let parser: ArticleParser
    let queue: DispatchQueue
    let robots: RobotsCache
    /// Each source's site and `follow_hosts`, by its URL.
    private let hostScopes: [String: HostScope]
    /// Links not followed, by reason, since the start.
    let skipped = SkippedLinks()
    /// The last failure reported per URL: the same failure again is not logged again.
    let reported = Mutex<[String: String]>([:])
    let isStopped = Atomic<Bool>(false)
    /// One timer per source, on `queue`.
    private let timers: QueueBound<[any DispatchSourceTimer]>
    /// URLs being fetched now (an index's links and polled articles), until their result is committed (on
    /// `queue`). Another index listing the same article waits for that fetch instead of starting its own,
    /// and a poll finding its article still in flight skips it.
    let linksInFlight: QueueBound<Set<String>>
    /// Links of indexes waiting for their fetch to start, oldest first; on `queue` only.
    let waitingLinks: QueueBound<FIFOQueue<@Sendable () -> Void>>
    /// Links of indexes being fetched, parsed or waiting for the writer now; on `queue` only.
    let runningLinks: QueueBound<Int>
    /// Feeds and sitemaps being fetched now (a slow one is not asked again meanwhile); on `queue`.
    let namedIndexesInFlight: QueueBound<Set<String>>
    /// The feeds an index page named at its last change (`discover_feeds`), by the page's URL; on `queue`.
    let discoveredFeeds: QueueBound<[String: [String]]>
    /// The most links fetched, parsed or waiting for the writer at once: enough to keep every transfer busy
    /// while earlier responses are parsed and written, few enough that what is held stays bounded.
    var maxRunningLinks: Int { 4 * max(1, fetch.maxTransfers) }

    /// Retries of one fetch before its failure is reported.
    static let maxAttempts = 4

    /// The claims of the cluster this daemon shares URL sources with, if any.
    let cluster: ClusterClaims?

    /// Creates the source; `cluster`: the cluster's claims, when it shares the work with other daemons.
    init(
        sources: [URLSettings], fetch: FetchSettings, toneStyle: ToneStyle, pipeline: IngestPipeline,
        state: StateStore, cluster: ClusterClaims? = nil, logger: Logger
    ) {
        self.sources = sources
        self.cluster = cluster
        hostScopes = Dictionary(
            sources.map { ($0.url, HostScope(of: $0.url, followHosts: $0.followHosts)) },
            uniquingKeysWith: { a, _ in a })
        self.fetch = fetch
        client = HTTPClient(
            limits: .init(
                maxTransfers: fetch.maxTransfers, maxPerHost: fetch.maxPerHost,
                maxRetryAfterSeconds: fetch.maxRetryAfterSeconds))
        self.pipeline = pipeline
        self.state = state
        self.logger = logger
        parser = ArticleParser(toneStyle: toneStyle)
        let queue = DispatchQueue(label: "newsingest.urls")
        self.queue = queue
        robots = RobotsCache(client: client, queue: queue, userAgent: fetch.userAgent, logger: logger)
        timers = QueueBound([], on: queue)
        linksInFlight = QueueBound([], on: queue)
        waitingLinks = QueueBound(FIFOQueue(), on: queue)
        runningLinks = QueueBound(0, on: queue)
        discoveredFeeds = QueueBound([:], on: queue)
        namedIndexesInFlight = QueueBound([], on: queue)
    }

    /// Polls every source now (in a cluster, at a random moment within its interval), then every interval; `ready` runs once the polls are scheduled.
    public func start(ready: @escaping @Sendable () -> Void = {}) {
        queue.async { @Sendable [self] in
            for source in sources {
                let timer = DispatchSource.makeTimerSource(queue: queue)
                let interval = DispatchTimeInterval.milliseconds(Int(source.intervalSeconds * 1000))
                // In a cluster each daemon polls each index at a phase of its own: N daemons spread their polls
                // over the interval rather than all asking at once.
                let phase = cluster == nil ? 0 : Double.random(in: 0..<source.intervalSeconds)
                timer.schedule(deadline: .now() + phase, repeating: interval)
                timer.setEventHandler { @Sendable [self] in poll(source) }
                timer.resume()
                timers.wrapped.append(timer)
            }
            ready()
        }
    }

    /// Stops polling and ends transfers in flight (their results are dropped, nothing half-committed).
    public func stop() {
        isStopped.store(true, ordering: .relaxed)
        queue.sync {
            for timer in timers.wrapped { timer.cancel() }
            timers.wrapped.removeAll()
        }
        client.close()
    }

    private func poll(_ source: URLSettings) {
        guard !isStopped.load(ordering: .relaxed) else { return }
        switch source.kind {
        case .article:
            // In a cluster, one daemon polls a configured article in each interval.
            if let cluster, !cluster.claimPoll(of: source.url, intervalSeconds: source.intervalSeconds) { return }
            guard linksInFlight.wrapped.insert(source.url).inserted else { return }
            let validators = try? state.validators(of: source.url)
            fetchArticle(
                request(source.url, of: source, reach: .configured, validators: validators), url: source.url,
                of: source, index: nil
            ) { @Sendable [self] _ in linksInFlight.wrapped.remove(source.url) }
        case .index: fetchIndex(source)
        }
    }

    /// How far a request's URL is trusted.
    enum Reach {
        /// The operator configured it: any address, its redirects held to the scope.
        case configured
        /// A remote server named it (a link, a discovered feed or sitemap) on the way from a configured URL
        /// whose connection went to an address of `originKind`.
        case named(originKind: AddressKind?)
    }

    /// The request for `url` with the source's limits and scope, conditional on `validators` when given.
    func request(
        _ url: String, of source: URLSettings, reach: Reach, validators: (etag: String?, lastModified: String?)?,
        crawlDelaySeconds: Double? = nil
    ) -> HTTPRequest {
        var request = HTTPRequest(url: url)
        let hosts = hostScope(of: source)
        request.headers = source.headers
        if URLParts.host(of: url) != hosts.ownHost {
            // Credentials configured for the source's host stay with it.
            request.dropCredentialHeaders()
        }
        request.timeoutSeconds = source.timeoutSeconds
        request.connectTimeoutSeconds = min(fetch.connectTimeoutSeconds, source.timeoutSeconds)
        request.maxBytes = source.maxBytes
        request.userAgent = fetch.userAgent
        request.caFile = fetch.caFile
        request.etag = validators?.etag
        request.lastModified = validators?.lastModified
        request.minIntervalSeconds = max(
            fetch.minIntervalPerHostSeconds, min(crawlDelaySeconds ?? 0, fetch.maxCrawlDelaySeconds))
        let addresses: FetchScope.Addresses =
            switch reach {
            case _ where source.allowPrivateAddresses: .any
            case .configured: .configured
            case .named(let originKind): .publicAnd(originKind.map { [$0] } ?? [])
            }
        request.scope = FetchScope(addresses: addresses, redirectHosts: hosts)
        return request
    }

    /// The hosts `source`'s links and redirects may go to.
    func hostScope(of source: URLSettings) -> HostScope {
        hostScopes[source.url] ?? HostScope(of: source.url, followHosts: source.followHosts)
    }

}
