import Dispatch
import Foundation
import Logging
import NewsFormat
import NewsIngestSystem

extension URLSource {
    /// How a fetch ended, once its retries are spent.
    enum FetchEnd {
        /// A `2xx` or a `304`.
        case response(HTTPResponse)
        /// Reported to the error log; `permanent` unless a retry at the next poll may succeed.
        case failed(permanent: Bool)
    }

    /// Fetches `request`, retrying timeouts, dropped connections and 5xx with backoff and `429`/`503` after
    /// `Retry-After` (its host paused meanwhile); any other failure, or one that outlasts the attempts, is
    /// reported (a permanent one as final for `index`'s link). `end` runs on `queue`.
    func fetchRetrying(
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
                    if let wait = retryWait(
                        url: request.url, status: response.status, retryAfter: response.header("retry-after"),
                        attempt: attempt, source: source)
                    {
                        switch wait {
                        case .pauseHost:
                            // The client paused the host as the response arrived; this request joins its line
                            // again and waits with the others there, while other hosts go on.
                            return again()
                        case .backoff(let seconds):
                            return retry(after: seconds, again)
                        }
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

    /// What to do before another attempt.
    enum RetryWait {
        /// The server gave a `Retry-After`: the client paused its host for it (``HTTPClient/Limits``) as the
        /// response arrived.
        case pauseHost
        /// A `5xx` or a `429` without a usable `Retry-After`: this request waits that long.
        case backoff(Double)
    }

    /// The wait before another attempt, or `nil` when the status is not retried (or attempts are used up).
    /// A `Retry-After` is waited on up to `source.max_retry_after`, logged at `info` (a server asking to slow
    /// down is worth knowing) or at `warning` when clamped.
    func retryWait(url: String, status: Int, retryAfter: String?, attempt: Int, source: URLSettings) -> RetryWait? {
        guard attempt < Self.maxAttempts else { return nil }
        if status == 429 || status == 503, let retryAfter, let seconds = RetryAfter.seconds(retryAfter) {
            let wait = min(seconds, fetch.maxRetryAfterSeconds)
            var metadata: Logger.Metadata = [
                "url": "\(URLParts.withoutCredentials(url))", "status": "\(status)", "retry_after": "\(retryAfter)",
                "attempt": "\(attempt)", "seconds": "\(wait)",
            ]
            if seconds > fetch.maxRetryAfterSeconds {
                metadata["max_retry_after"] = "\(fetch.maxRetryAfterSeconds)"
                logger.warning(
                    "Retry-After beyond source.max_retry_after: pausing the host for the cap", metadata: metadata)
            } else {
                logger.info("server asked to retry later: pausing the host", metadata: metadata)
            }
            return .pauseHost
        }
        if (500...599).contains(status) || status == 429 { return .backoff(backoff(attempt, source: source)) }
        return nil
    }

    /// 0.5 s, 1 s, 2 s… (never past the interval), each with up to half again of jitter.
    func backoff(_ attempt: Int, source: URLSettings) -> Double {
        let base = min(0.5 * Double(1 << min(attempt - 1, 10)), max(source.intervalSeconds, 0.5))
        return base * Double.random(in: 1...1.5)
    }

    func retry(after seconds: Double, _ body: @escaping @Sendable () -> Void) {
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(seconds * 1000))) { @Sendable [self] in
            guard !isStopped.load(ordering: .relaxed) else { return }
            body()
        }
    }

    /// Writes a failure to the error log, once per URL until it changes or the URL recovers. With `index`,
    /// the failure is final for that index's link and is committed as taken. `settled` runs on `queue` once
    /// the failure is committed, or at once when nothing is written. The URL is shown without credentials.
    func report(
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
        let shown = URLParts.withoutCredentials(url)
        guard isNew || index != nil else {
            logger.debug("still failing", metadata: ["url": "\(shown)", "code": "\(code)"])
            return settled()
        }
        logger.warning("could not fetch", metadata: ["url": "\(shown)", "code": "\(code)", "reason": "\(reason)"])
        let record = ErrorRecord(
            time: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds()), path: shown, reason: reason,
            code: code, size: size)
        pipeline.submitFetched(
            .failure(record),
            commit: URLOutcome(url: url, etag: nil, lastModified: nil, contentID: nil, kind: .failed, index: index)
        ) { @Sendable [self] in queue.async { settled() } }
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
