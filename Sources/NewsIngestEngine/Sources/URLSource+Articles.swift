import Dispatch
import NewsFormat
import NewsIngestSystem

extension URLSource {
    /// Fetches one article (retrying per the rules) and submits its record or its failure. On `queue`,
    /// `handedOver` runs once no response of it is held any more (its result is written to the files, or
    /// there is none), then `done` once it is settled: true when the URL is taken for good (its record
    /// committed, or failed for good), false when it should be fetched again later.
    func fetchArticle(
        _ request: HTTPRequest, url: String, of source: URLSettings, index: String?,
        handedOver: @escaping @Sendable () -> Void = {}, done: @escaping @Sendable (Bool) -> Void
    ) {
        fetchRetrying(request, of: source, linkOf: index) { @Sendable [self] end in
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
    /// `committed` once it is committed. The record shows the URLs without credentials.
    private func submitArticle(
        _ response: HTTPResponse, url: String, index: String?, written: @escaping @Sendable () -> Void,
        committed: @escaping @Sendable () -> Void
    ) {
        let info = URLSourceInfo(
            url: URLParts.withoutCredentials(url), finalURL: URLParts.withoutCredentials(response.finalURL),
            status: response.status, etag: response.header("etag"), lastModified: response.header("last-modified"),
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
                            time: info.fetchedAt, path: info.url, reason: error.description, code: error.code.rawValue,
                            size: response.body.count))
                }
            },
            written: written, committed: committed)
    }
}
