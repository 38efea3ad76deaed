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
/// Timeouts, dropped connections and 5xx are retried with exponential backoff and jitter; `429`/`503` wait
/// for `Retry-After`; other 4xx and permanent failures go to the error log once per URL (until it recovers).
/// Polling, retries and the links of indexes run on one serial queue and the client's thread; responses are
/// parsed on the pipeline's workers. A slow or failing host never stalls directory ingestion. At most
/// `4 × max_transfers` links of indexes are being fetched, parsed or written at once (the rest wait their
/// turn), so the responses and records held in memory stay bounded however many links an index lists and
/// however slow the output's disk is. A URL counts as in flight, and is not fetched again, until its result
/// (a record, or a failure for good) is committed.
public final class URLSource: Sendable {
    private let sources: [URLSettings]
    private let fetch: FetchSettings
    private let client: HTTPClient
    private let pipeline: IngestPipeline
    private let state: StateStore
    private let logger: Logger
    private let parser: ArticleParser
    private let queue: DispatchQueue
    /// The last failure reported per URL: the same failure again is not logged again.
    private let reported = Mutex<[String: String]>([:])
    private let isStopped = Atomic<Bool>(false)
    /// One timer per source, on `queue`.
    private let timers: QueueBound<[any DispatchSourceTimer]>
    /// URLs being fetched now (an index's links and polled articles), until their result is committed (on `queue`). Another index listing the same article waits for that fetch instead of starting its
    /// own, and a poll finding its article still in flight skips it.
    private let linksInFlight: QueueBound<Set<String>>
    /// Links of indexes waiting for their fetch to start, oldest first; on `queue` only.
    private let waitingLinks: QueueBound<FIFOQueue<@Sendable () -> Void>>
    /// Links of indexes being fetched, parsed or waiting for the writer now; on `queue` only.
    private let runningLinks: QueueBound<Int>
    /// The most links fetched, parsed or waiting for the writer at once: enough to keep every transfer busy
    /// while earlier responses are parsed and written, few enough that what is held stays bounded.
    private var maxRunningLinks: Int { 4 * max(1, fetch.maxTransfers) }

    /// Retries of one fetch before its failure is reported.
    static let maxAttempts = 4

    public init(
        sources: [URLSettings], fetch: FetchSettings, toneStyle: ToneStyle, pipeline: IngestPipeline,
        state: StateStore, logger: Logger
    ) {
        self.sources = sources
        self.fetch = fetch
        self.client = HTTPClient(limits: .init(maxTransfers: fetch.maxTransfers, maxPerHost: fetch.maxPerHost))
        self.pipeline = pipeline
        self.state = state
        self.logger = logger
        self.parser = ArticleParser(toneStyle: toneStyle)
        let queue = DispatchQueue(label: "newsingest.urls")
        self.queue = queue
        timers = QueueBound([], on: queue)
        linksInFlight = QueueBound([], on: queue)
        waitingLinks = QueueBound(FIFOQueue(), on: queue)
        runningLinks = QueueBound(0, on: queue)
    }

    /// Polls every source now, then every interval; `ready` runs once the polls are scheduled.
    public func start(ready: @escaping @Sendable () -> Void = {}) {
        queue.async { @Sendable [self] in
            for source in sources {
                let timer = DispatchSource.makeTimerSource(queue: queue)
                let interval = DispatchTimeInterval.milliseconds(Int(source.intervalSeconds * 1000))
                timer.schedule(deadline: .now(), repeating: interval)
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

    // MARK: - Polling

    private func poll(_ source: URLSettings) {
        guard !isStopped.load(ordering: .relaxed) else { return }
        switch source.kind {
        case .article:
            guard linksInFlight.wrapped.insert(source.url).inserted else { return }
            fetchArticle(source.url, of: source, index: nil) { @Sendable [self] _ in
                linksInFlight.wrapped.remove(source.url)
            }
        case .index: fetchIndex(source)
        }
    }

    /// The request for `url` with the source's limits, conditional on `validators` when given.
    private func request(
        _ url: String, of source: URLSettings, validators: (etag: String?, lastModified: String?)?
    ) -> HTTPRequest {
        var request = HTTPRequest(url: url)
        request.headers = source.headers
        request.timeoutSeconds = source.timeoutSeconds
        request.connectTimeoutSeconds = min(fetch.connectTimeoutSeconds, source.timeoutSeconds)
        request.maxBytes = source.maxBytes
        request.userAgent = fetch.userAgent
        request.caFile = fetch.caFile
        request.etag = validators?.etag
        request.lastModified = validators?.lastModified
        return request
    }

    /// How a fetch ended, once its retries are spent.
    private enum FetchEnd {
        /// A `2xx` or a `304`.
        case response(HTTPResponse)
        /// Reported to the error log; `permanent` unless a retry at the next poll may succeed.
        case failed(permanent: Bool)
    }

    /// Fetches `request`, retrying timeouts, dropped connections and 5xx with backoff and `429`/`503` after
    /// `Retry-After`; any other failure, or one that outlasts the attempts, is reported (a permanent one as
    /// final for `index`'s link). `end` runs on `queue`.
    private func fetchRetrying(
        _ request: HTTPRequest, of source: URLSettings, linkOf index: String?, attempt: Int = 1,
        end: @escaping @Sendable (FetchEnd) -> Void
    ) {
        client.fetch(request) { @Sendable [self] result in
            queue.async { @Sendable [self] in
                guard !isStopped.load(ordering: .relaxed) else { return }
                let again: @Sendable () -> Void = {
                    self.fetchRetrying(request, of: source, linkOf: index, attempt: attempt + 1, end: end)
                }
                switch result {
                case .success(let response) where (200..<300).contains(response.status) || response.status == 304:
                    end(.response(response))
                case .success(let response):
                    if let delay = retryDelay(
                        url: request.url, status: response.status, retryAfter: response.header("retry-after"),
                        attempt: attempt, source: source)
                    {
                        return retry(after: delay, again)
                    }
                    let permanent = !(500...599).contains(response.status) && response.status != 429
                    report(
                        request.url, index: permanent ? index : nil, code: "http_\(response.status)",
                        reason: "HTTP status \(response.status)", size: response.body.count
                    ) { end(.failed(permanent: permanent)) }
                case .failure(let error):
                    if error.isTransient, attempt < Self.maxAttempts {
                        return retry(after: backoff(attempt, source: source), again)
                    }
                    report(
                        request.url, index: error.isTransient ? nil : index, code: error.kind.rawValue,
                        reason: error.message, size: nil
                    ) { end(.failed(permanent: !error.isTransient)) }
                }
            }
        }
    }

    /// Fetches one article (retrying per the rules) and submits its record or its failure. On `queue`,
    /// `handedOver` runs once no response of it is held any more (its result is written to the files, or
    /// there is none), then `done` once it is settled: true when the URL is taken for good (its record
    /// committed, or failed for good), false when it should be fetched again later.
    private func fetchArticle(
        _ url: String, of source: URLSettings, index: String?, handedOver: @escaping @Sendable () -> Void = {},
        done: @escaping @Sendable (Bool) -> Void
    ) {
        // An index's link is fetched once: no validators. A polled article asks conditionally.
        let validators = index == nil ? try? state.validators(of: url) : nil
        fetchRetrying(request(url, of: source, validators: validators), of: source, linkOf: index) {
            @Sendable [self] end in
            switch end {
            case .response(let response) where response.status != 304:
                submitArticle(
                    response, url: url, index: index, written: { @Sendable [self] in queue.async { handedOver() } },
                    committed: { @Sendable [self] in queue.async { done(true) } })
            case .response:
                handedOver()
                done(true)
            case .failed(let permanent):
                handedOver()
                done(permanent)
            }
        }
    }

    /// Has a worker decode and parse the response; `written` runs once its result is written to the files,
    /// `committed` once it is committed.
    private func submitArticle(
        _ response: HTTPResponse, url: String, index: String?, written: @escaping @Sendable () -> Void,
        committed: @escaping @Sendable () -> Void
    ) {
        let info = URLSourceInfo(
            url: url, finalURL: response.finalURL, status: response.status, etag: response.header("etag"),
            lastModified: response.header("last-modified"),
            fetchedAt: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds()))
        let commit = URLOutcome(
            url: url, etag: info.etag, lastModified: info.lastModified, contentID: nil, kind: .emitted,
            index: index)
        let charset = Self.charset(of: response.header("content-type"))
        pipeline.submitFetched(
            commit: commit,
            producing: { @Sendable [self] memo in
                do throws(ArticleParseError) {
                    let decoded = try response.body.withUnsafeBufferPointer { bytes throws(ArticleParseError) in
                        try TextDecoder.decode(bytes, declaredCharset: charset)
                    }
                    let article = try parser.parse(decoded, memo: memo, deadline: pipeline.limits.deadline())
                    _ = reported.withLock { $0.removeValue(forKey: url) }
                    return .article(article, info)
                } catch {
                    // Committed (as failed) with its validators: an unchanged broken article is not fetched and
                    // reported again.
                    return .failure(
                        ErrorRecord(
                            time: info.fetchedAt, path: url, reason: error.description, code: error.code.rawValue,
                            size: response.body.count))
                }
            },
            written: written, committed: committed)
    }

    /// Fetches an index's `link` once fewer than ``maxRunningLinks`` are running; `done` runs
    /// on `queue`, as for ``fetchArticle(_:of:index:handedOver:done:)``.
    private func fetchLink(
        _ link: String, of source: URLSettings, index: String, done: @escaping @Sendable (Bool) -> Void
    ) {
        waitingLinks.wrapped.append { @Sendable [self] in
            fetchArticle(
                link, of: source, index: index,
                handedOver: { @Sendable [self] in
                    runningLinks.wrapped -= 1
                    startWaitingLinks()
                },
                done: done)
        }
        startWaitingLinks()
    }

    private func startWaitingLinks() {
        while runningLinks.wrapped < maxRunningLinks, !isStopped.load(ordering: .relaxed),
            let start = waitingLinks.wrapped.popFirst()
        {
            runningLinks.wrapped += 1
            start()
        }
    }

    private func fetchIndex(_ source: URLSettings) {
        let validators = try? state.validators(of: source.url)
        fetchRetrying(request(source.url, of: source, validators: validators), of: source, linkOf: nil) {
            @Sendable [self] end in
            guard case .response(let response) = end, response.status != 304 else { return }
            _ = reported.withLock { $0.removeValue(forKey: source.url) }
            takeLinks(of: response, source: source, isFirstPoll: validators == nil)
        }
    }

    /// Fetches the index's links not taken before; commits the index's validators once all are taken.
    private func takeLinks(of response: HTTPResponse, source: URLSettings, isFirstPoll: Bool) {
        var body = response.body
        if Gzip.isCompressed(body) {
            // A gzip file (`sitemap.xml.gz`), not a Content-Encoding libcurl decoded on the way.
            do {
                body = try Gzip.decompress(body, limit: source.maxBytes)
            } catch {
                return report(source.url, index: nil, code: "bad_gzip", reason: error.description, size: body.count)
            }
        }
        let links = IndexLinks.links(in: body, base: response.finalURL).filter { link in
            source.include.contains { fnmatch($0, link, 0) == 0 }
                && !source.exclude.contains { fnmatch($0, link, 0) == 0 }
        }
        let indexState = URLOutcome(
            url: source.url, etag: response.header("etag"), lastModified: response.header("last-modified"),
            contentID: nil, kind: .duplicate, index: nil)
        if isFirstPoll, source.startAt == .now {
            do {
                try state.markLinksTaken(links, of: source.url)
                pipeline.commitFetchState(indexState)
                logger.info(
                    "index first seen; its links are remembered, not fetched (start_at = now)",
                    metadata: ["url": "\(source.url)", "links": "\(links.count)"])
            } catch {
                logger.error(
                    "could not remember an index's links", metadata: ["url": "\(source.url)", "error": "\(error)"])
            }
            return
        }
        // When the state cannot be read, every link is fetched (see ``VersionCheck/untakenLinks(among:)``).
        let new = (try? pipeline.versions.untakenLinks(among: links)) ?? links
        let group = DispatchGroup()
        // The index's validators wait until every link is taken; one fetched for another index is not yet.
        let allTaken = Mutex(new.allSatisfy { !linksInFlight.wrapped.contains($0) })
        for link in new where linksInFlight.wrapped.insert(link).inserted {
            group.enter()
            fetchLink(link, of: source, index: source.url) { @Sendable [self] taken in
                linksInFlight.wrapped.remove(link)
                if !taken { allTaken.withLock { $0 = false } }
                group.leave()
            }
        }
        group.notify(queue: queue) { @Sendable [self] in
            // Every link is committed (or failed) before this.
            if allTaken.withLock({ $0 }), !isStopped.load(ordering: .relaxed) { pipeline.commitFetchState(indexState) }
        }
        if !new.isEmpty {
            logger.info("new links in an index", metadata: ["url": "\(source.url)", "links": "\(new.count)"])
        }
    }

    // MARK: - Failures

    /// The wait before another attempt, or `nil` when the status is not retried (or attempts are used up).
    /// A `Retry-After` is waited on up to `source.max_retry_after`, logged at `info` (a server asking to slow
    /// down is worth knowing) or at `warning` when clamped.
    private func retryDelay(
        url: String, status: Int, retryAfter: String?, attempt: Int, source: URLSettings
    ) -> Double? {
        guard attempt < Self.maxAttempts else { return nil }
        if status == 429 || status == 503, let retryAfter, let seconds = Self.seconds(retryAfter: retryAfter) {
            let wait = min(seconds, fetch.maxRetryAfterSeconds)
            var metadata: Logger.Metadata = [
                "url": "\(url)", "status": "\(status)", "retry_after": "\(retryAfter)", "attempt": "\(attempt)",
                "seconds": "\(wait)",
            ]
            if seconds > fetch.maxRetryAfterSeconds {
                metadata["max_retry_after"] = "\(fetch.maxRetryAfterSeconds)"
                logger.warning("Retry-After beyond source.max_retry_after: waiting the cap", metadata: metadata)
            } else {
                logger.info("server asked to retry later", metadata: metadata)
            }
            return wait
        }
        if (500...599).contains(status) || status == 429 { return backoff(attempt, source: source) }
        return nil
    }

    /// 0.5 s, 1 s, 2 s… (never past the interval), each with up to half again of jitter.
    private func backoff(_ attempt: Int, source: URLSettings) -> Double {
        let base = min(0.5 * Double(1 << min(attempt - 1, 10)), max(source.intervalSeconds, 0.5))
        return base * Double.random(in: 1...1.5)
    }

    private func retry(after seconds: Double, _ body: @escaping @Sendable () -> Void) {
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(seconds * 1000))) { @Sendable [self] in
            guard !isStopped.load(ordering: .relaxed) else { return }
            body()
        }
    }

    /// Writes a failure to the error log, once per URL until it changes or the URL recovers. With `index`,
    /// the failure is final for that index's link and is committed as taken. `settled` runs on `queue` once
    /// the failure is committed, or at once when nothing is written.
    private func report(
        _ url: String, index: String?, code: String, reason: String, size: Int?,
        settled: @escaping @Sendable () -> Void = {}
    ) {
        let isNew = reported.withLock { reported in
            // A link's failure for good is its last word: nothing more is reported of it, so nothing is kept
            // (an index of many dead links would otherwise hold an entry for each as long as the daemon runs).
            guard index == nil else {
                reported.removeValue(forKey: url)
                return true
            }
            defer { reported[url] = code }
            return reported[url] != code
        }
        guard isNew || index != nil else {
            logger.debug("still failing", metadata: ["url": "\(url)", "code": "\(code)"])
            return settled()
        }
        logger.warning("could not fetch", metadata: ["url": "\(url)", "code": "\(code)", "reason": "\(reason)"])
        let record = ErrorRecord(
            time: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds()), path: url, reason: reason,
            code: code, size: size)
        pipeline.submitFetched(
            .failure(record),
            commit: URLOutcome(url: url, etag: nil, lastModified: nil, contentID: nil, kind: .failed, index: index)
        ) { @Sendable [self] in queue.async { settled() } }
    }

    /// `Retry-After`: seconds (digits only, as RFC 9110 has it: not `nan`, `inf` or `-5`; any number of
    /// them, a huge one being `infinity`), or an HTTP date (one past is 0).
    static func seconds(retryAfter: String) -> Double? {
        let trimmed = retryAfter.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            return Double(trimmed) ?? .infinity
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: retryAfter).map { max(0, $0.timeIntervalSinceNow) }
    }

    /// The `charset` parameter of a `Content-Type`.
    static func charset(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
