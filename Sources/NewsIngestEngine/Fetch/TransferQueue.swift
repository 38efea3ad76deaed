/// The requests an ``HTTPClient`` has not handed to libcurl yet, one line per host, and how many run.
///
/// The next request to start is the oldest of a host below `maxPerHost`, while fewer than `maxTransfers` run
/// in all; hosts take turns. A request waiting here has no timer running: its timeouts start with its
/// transfer. (libcurl would queue what exceeds its own limits with the clock already running.)
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

    /// The next request that may start now, counted as running until ``finished(_:)``; `nil` when none may.
    mutating func next() -> Item? {
        guard runningCount < maxTransfers,
            let turn = turns.firstIndex(where: { running[$0, default: 0] < maxPerHost })
        else { return nil }
        let host = turns.remove(at: turn)
        guard let item = waiting[host]?.popFirst() else { return nil }
        if waiting[host]?.isEmpty == true { waiting[host] = nil } else { turns.append(host) }
        running[host, default: 0] += 1
        runningCount += 1
        return item
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
        var rest = Substring(url)
        if let separator = rest.firstRange(of: "://") { rest = rest[separator.upperBound...] }
        var authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return authority.lowercased()
    }
}
