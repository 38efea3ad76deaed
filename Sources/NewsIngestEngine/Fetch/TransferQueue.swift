/// The requests an ``HTTPClient`` has not handed to libcurl yet, one line per host, and how many run.
///
/// The next request to start is the oldest of a host below `maxPerHost` and ready, while fewer than
/// `maxTransfers` run in all; hosts take turns. A host is ready once its request's `minIntervalSeconds` have
/// passed since the last request to it started, and once a pause (a `429` or `503` with `Retry-After`) is
/// over: a slow host waits alone, the others go on. A request waiting here has no timer running: its
/// timeouts start with its transfer. (libcurl would queue what exceeds its own limits with the clock already
/// running.) Times are monotonic nanoseconds.
struct TransferQueue {
    typealias Item = (request: HTTPRequest, completion: HTTPClient.Completion)

    private let maxTransfers: Int
    private let maxPerHost: Int
    /// Waiting requests by host, oldest first.
    private var waiting: [String: FIFOQueue<Item>] = [:]
    /// The hosts with waiting requests, in turn order.
    private var turns: [String] = []
    /// Running transfers by host.
    private var running: [String: Int] = [:]
    private var runningCount = 0
    /// When a request to each paced host last started (only hosts with an interval are kept).
    private var lastStart: [String: UInt64] = [:]
    /// Hosts paused until then.
    private var pausedUntil: [String: UInt64] = [:]
    /// Entries of `lastStart` and `pausedUntil` older than this are forgotten (the longest interval or pause
    /// the daemon keeps is an hour): an index linking to many hosts does not grow them for good.
    private static let forgetAfter: UInt64 = 3_600 * 1_000_000_000

    init(maxTransfers: Int, maxPerHost: Int) {
        self.maxTransfers = max(1, maxTransfers)
        self.maxPerHost = max(1, maxPerHost)
    }

    /// True when no request waits.
    var isEmpty: Bool { turns.isEmpty }

    /// Adds a request at the back of its host's line.
    mutating func append(_ item: Item) {
        let host = Self.host(of: item.request.url)
        if waiting[host] == nil {
            waiting[host] = FIFOQueue()
            turns.append(host)
        }
        waiting[host]?.append(item)
    }

    /// The next request that may start at `now`, counted as running until ``finished(_:)``; `nil` when none
    /// may.
    mutating func next(now: UInt64) -> Item? {
        guard runningCount < maxTransfers,
            let turn = turns.firstIndex(where: { running[$0, default: 0] < maxPerHost && readyTime(of: $0) <= now })
        else { return nil }
        let host = turns.remove(at: turn)
        guard let item = waiting[host]?.popFirst() else { return nil }
        if waiting[host]?.isEmpty == true { waiting[host] = nil } else { turns.append(host) }
        running[host, default: 0] += 1
        runningCount += 1
        if item.request.minIntervalSeconds > 0 {
            if lastStart.count >= 1024 { forgetOld(now: now) }
            lastStart[host] = now
        }
        return item
    }

    /// When the first waiting host that is held back only by its interval or pause becomes ready; `nil`
    /// when none is.
    func nextReadyTime(after now: UInt64) -> UInt64? {
        turns.lazy.map { readyTime(of: $0) }.filter { $0 > now }.min()
    }

    /// Holds every request to `url`'s host back until `until`.
    mutating func pause(hostOf url: String, until: UInt64, now: UInt64) {
        let host = Self.host(of: url)
        if pausedUntil.count >= 1024 { forgetOld(now: now) }
        pausedUntil[host] = max(pausedUntil[host] ?? 0, until)
    }

    /// When `host`'s next waiting request may start.
    private func readyTime(of host: String) -> UInt64 {
        var ready = pausedUntil[host] ?? 0
        if let last = lastStart[host], let interval = waiting[host]?.first?.request.minIntervalSeconds, interval > 0 {
            ready = max(ready, last + UInt64(interval * 1_000_000_000))
        }
        return ready
    }

    private mutating func forgetOld(now: UInt64) {
        let horizon = now > Self.forgetAfter ? now - Self.forgetAfter : 0
        lastStart = lastStart.filter { $0.value > horizon }
        pausedUntil = pausedUntil.filter { $0.value > now }
    }

    /// Counts `request`'s transfer as ended, making room for the next.
    mutating func finished(_ request: HTTPRequest) {
        let host = Self.host(of: request.url)
        guard let count = running[host] else { return }
        running[host] = count > 1 ? count - 1 : nil
        runningCount -= 1
    }

    /// Takes every waiting request.
    mutating func takeAll() -> [Item] {
        defer {
            waiting.removeAll()
            turns.removeAll()
        }
        return turns.flatMap { waiting[$0]?.takeAll() ?? [] }
    }

    /// The host and port of `url`, lower-cased: what the per-host limit counts by.
    static func host(of url: String) -> String {
        (URLParts.hostAndPort(of: url) ?? "").lowercased()
    }
}
