import CCurl
import Dispatch
import Foundation
import Synchronization

/// Fetches URLs over libcurl's multi interface, driven by one thread of its own with `curl_multi_poll`: no
/// thread per request, connections reused, HTTP/2 where the server offers it, at most `maxTransfers` at once
/// and `maxPerHost` to one host.
///
/// Requests beyond either limit wait in the client's own ``TransferQueue`` and become libcurl transfers only
/// as others end: an index of a million links is not a million easy handles, and a request's timeouts start
/// when its transfer does, not while it waits its turn.
///
/// Every transfer is held to `http`/`https` (redirects too, at most 5, each hop a transfer of its own held to
/// the request's ``FetchScope``: where it may connect, where it may lead), verifies TLS, asks for gzip, deflate,
/// br and zstd and decodes them, stops at `maxBytes` of decoded body while it arrives, and gives up on a slow
/// connect, a slow whole or a trickle. A `429` or `503` with `Retry-After` pauses its host (up to
/// `maxRetryAfterSeconds`), the others going on; requests to one host may also be paced
/// (``HTTPRequest/minIntervalSeconds``). Proxies come from the usual environment variables (``ProxyChoice``).
public final class HTTPClient: Sendable {
    /// Limits on transfers at once.
    public struct Limits: Sendable {
        public var maxTransfers = 32
        public var maxPerHost = 4
        /// The longest pause a `Retry-After` obtains for its host.
        public var maxRetryAfterSeconds: Double = 3600
        public init(maxTransfers: Int = 32, maxPerHost: Int = 4, maxRetryAfterSeconds: Double = 3600) {
            self.maxTransfers = maxTransfers
            self.maxPerHost = maxPerHost
            self.maxRetryAfterSeconds = maxRetryAfterSeconds
        }
    }

    public typealias Completion = @Sendable (Result<HTTPResponse, HTTPFetchError>) -> Void

    fileprivate struct Submissions {
        var waiting: [(HTTPRequest, Completion)] = []
        var isClosed = false
    }

    /// The loop, shared with the client's thread; the thread holds it, not the client, so a client that is
    /// released closes and its thread ends.
    private let loop: Loop

    /// libcurl's global set-up, once per process, before any handle.
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Creates a client and starts its thread; `environment` names the proxies (the process's by default).
    public init(limits: Limits = Limits(), environment: [String: String] = ProcessInfo.processInfo.environment) {
        _ = Self.globalInit
        loop = Loop(limits: limits, proxies: ProxyChoice(environment: environment))
        let thread = Thread { [loop] in
            loop.run()
            loop.finished.signal()
        }
        thread.name = "newsingest.http"
        thread.start()
    }

    deinit { close() }

    /// Starts fetching `request`; `completion` runs on the client's thread when it ends: hand the work on.
    public func fetch(_ request: HTTPRequest, completion: @escaping Completion) {
        let accepted = loop.submissions.withLock { submissions in
            guard !submissions.isClosed else { return false }
            submissions.waiting.append((request, completion))
            return true
        }
        guard accepted else {
            return completion(.failure(HTTPFetchError(kind: .other, url: request.url, message: "client closed")))
        }
        curl_multi_wakeup(loop.multi.pointer)
    }

    /// Fetches and waits: for tests and tools, never on the client's own thread.
    public func fetchAndWait(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPFetchError> {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<HTTPResponse, HTTPFetchError>?>(nil)
        fetch(request) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    /// Ends every transfer (their completions report the client closed) and stops the thread.
    public func close() {
        let wasOpen = loop.submissions.withLock { submissions in
            defer { submissions.isClosed = true }
            return !submissions.isClosed
        }
        guard wasOpen else { return }
        curl_multi_wakeup(loop.multi.pointer)
        // Closed from a completion (on the client's own thread): the loop ends when that returns.
        guard !loop.isRunningOnCurrentThread else { return }
        loop.finished.wait()
    }

}

/// What the client's thread runs: the multi handle and the requests handed to it.
private final class Loop: Sendable {
    let multi: MultiHandle
    let submissions = Mutex(HTTPClient.Submissions())
    let finished = DispatchSemaphore(value: 0)
    /// The thread running the loop, set once it starts.
    private let thread = Mutex<pthread_t?>(nil)

    let limits: HTTPClient.Limits
    let proxies: ProxyChoice

    init(limits: HTTPClient.Limits, proxies: ProxyChoice) {
        multi = MultiHandle(limits: limits)
        self.limits = limits
        self.proxies = proxies
    }

    var isRunningOnCurrentThread: Bool {
        thread.withLock { $0.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    func run() {
        thread.withLock { $0 = pthread_self() }
        var transfers: [Int: Transfer] = [:]
        var queued = TransferQueue(maxTransfers: limits.maxTransfers, maxPerHost: limits.maxPerHost)
        while true {
            let (waiting, isClosed) = submissions.withLock { submissions in
                defer { submissions.waiting.removeAll() }
                return (submissions.waiting, submissions.isClosed)
            }
            for item in waiting { queued.append(item) }
            let now = DispatchTime.now().uptimeNanoseconds
            if isClosed {
                let unstarted = queued.takeAll().map { Transfer(request: $0.request, completion: $0.completion) }
                for transfer in transfers.values + unstarted {
                    if let handle = transfer.handle { curl_multi_remove_handle(multi.pointer, handle) }
                    transfer.complete(
                        .failure(HTTPFetchError(kind: .other, url: transfer.request.url, message: "client closed")))
                }
                return
            }
            startQueued(&queued, into: &transfers, now: now)
            var running: Int32 = 0
            curl_multi_perform(multi.pointer, &running)
            var left: Int32 = 0
            var ended = false
            while let message = curl_multi_info_read(multi.pointer, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let code = ccurl_message_result(message)
                curl_multi_remove_handle(multi.pointer, handle)
                if let transfer = transfers.removeValue(forKey: Int(bitPattern: handle)) {
                    queued.finished(transfer.request)
                    let outcome = transfer.outcome(code)
                    if case .success(let response) = outcome { pauseIfAsked(by: response, &queued) }
                    if case .success(let response) = outcome, let hop = transfer.request.redirected(by: response) {
                        switch hop {
                        case .success(let next): queued.append((next, transfer.completion))
                        case .failure(let error): transfer.complete(.failure(error))
                        }
                    } else {
                        transfer.complete(outcome)
                    }
                    ended = true
                }
            }
            // Places freed: start the next requests at once rather than after the next poll.
            if ended, !queued.isEmpty { continue }
            // Wake when a paced or paused host becomes ready, if that comes before anything else.
            var timeout: Int32 = 1000
            if let ready = queued.nextReadyTime(after: now) {
                timeout = Int32(min(1000, (ready - now) / 1_000_000 + 1))
            }
            var ready: Int32 = 0
            curl_multi_poll(multi.pointer, nil, 0, timeout, &ready)
        }
    }

    /// A `429` or `503` with `Retry-After` pauses its host at once (up to the limit), before the place it
    /// frees lets the next request there start: the requester's retry then waits in line with the others.
    private func pauseIfAsked(by response: HTTPResponse, _ queued: inout TransferQueue) {
        guard response.status == 429 || response.status == 503,
            let seconds = response.header("retry-after").flatMap(RetryAfter.seconds)
        else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let wait = min(seconds, limits.maxRetryAfterSeconds)
        queued.pause(hostOf: response.finalURL, until: now + UInt64(max(0, wait) * 1e9), now: now)
    }

    /// Hands libcurl every queued request that may start now.
    private func startQueued(_ queued: inout TransferQueue, into transfers: inout [Int: Transfer], now: UInt64) {
        while let (request, completion) = queued.next(now: now) {
            let transfer = Transfer(request: request, completion: completion)
            switch transfer.start(proxy: proxies.proxy(for: request.url)) {
            case .success(let handle):
                curl_multi_add_handle(multi.pointer, handle)
                transfers[Int(bitPattern: handle)] = transfer
            case .failure(let error):
                queued.finished(request)
                transfer.complete(.failure(error))
            }
        }
    }
}

/// The multi handle; used by the client's thread only, except `curl_multi_wakeup`, which is thread-safe.
private final class MultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init(limits: HTTPClient.Limits) {
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        pointer = multi
        ccurl_multi_setopt_long(pointer, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(1, limits.maxTransfers))
        ccurl_multi_setopt_long(pointer, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, limits.maxPerHost))
        ccurl_multi_setopt_long(pointer, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit { curl_multi_cleanup(pointer) }
}
