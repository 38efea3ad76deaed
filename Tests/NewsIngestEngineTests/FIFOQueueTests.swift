import Testing

@testable import NewsIngestEngine

/// The queue behind the HTTP client's waiting requests and the URL source's waiting links.
@Suite struct FIFOQueueTests {
    @Test func elementsComeOutInTheOrderTheyWentInAcrossCompactions() {
        var queue = FIFOQueue<Int>()
        var expected = 0
        var next = 0
        // Interleaved appends and takes, so the taken front is dropped many times on the way.
        for round in 0..<200 {
            for _ in 0..<(round % 7) {
                queue.append(next)
                next += 1
            }
            for _ in 0..<(round % 5) {
                guard let element = queue.popFirst() else { break }
                #expect(element == expected)
                expected += 1
            }
        }
        queue.append(next)
        queue.append(next + 1)
        let rest = queue.takeAll()
        #expect(rest == Array(expected..<(next + 2)))
        #expect(queue.isEmpty && queue.popFirst() == nil)
    }
}

/// Which waiting request the HTTP client starts next.
@Suite struct TransferQueueTests {
    func item(_ url: String) -> TransferQueue.Item { (HTTPRequest(url: url), { _ in }) }

    @Test func hostsTakeTurnsWithinThePerHostAndTotalLimits() {
        var queue = TransferQueue(maxTransfers: 3, maxPerHost: 2)
        for index in 0..<4 { queue.append(item("http://a.example/\(index)")) }
        queue.append(item("https://user@B.example:8443/x?y"))
        // a, b, then a again (a's second place); a's third waits for a place on a, and the total is full anyway.
        let started = (0..<4).compactMap { _ in queue.next(now: 0)?.request.url }
        #expect(started == ["http://a.example/0", "https://user@B.example:8443/x?y", "http://a.example/1"])
        queue.finished(HTTPRequest(url: "https://user@B.example:8443/x?y"))
        // A place in the total, but a is at its per-host limit.
        #expect(queue.next(now: 0) == nil)
        queue.finished(HTTPRequest(url: "http://a.example/0"))
        #expect(queue.next(now: 0)?.request.url == "http://a.example/2")
        #expect(queue.takeAll().map(\.request.url) == ["http://a.example/3"])
        #expect(queue.isEmpty)
    }

    @Test func aPacedHostWaitsItsIntervalBetweenStartsWhileOthersGoOn() {
        var queue = TransferQueue(maxTransfers: 8, maxPerHost: 4)
        func paced(_ url: String) -> TransferQueue.Item {
            var request = HTTPRequest(url: url)
            request.minIntervalSeconds = 2
            return (request, { _ in })
        }
        for index in 0..<3 { queue.append(paced("http://a.example/\(index)")) }
        queue.append(item("http://b.example/0"))
        let second: UInt64 = 1_000_000_000
        #expect(queue.next(now: 10 * second)?.request.url == "http://a.example/0")
        #expect(queue.next(now: 10 * second)?.request.url == "http://b.example/0")
        // a has places left but its interval has not passed; it is what the client's poll waits for.
        #expect(queue.next(now: 11 * second) == nil)
        #expect(queue.nextReadyTime(after: 11 * second) == 12 * second)
        #expect(queue.next(now: 12 * second)?.request.url == "http://a.example/1")
        #expect(queue.next(now: 13 * second) == nil)
        #expect(queue.next(now: 14 * second)?.request.url == "http://a.example/2")
        #expect(queue.nextReadyTime(after: 14 * second) == nil)
    }

    @Test func aPausedHostWaitsAloneUntilThePauseEnds() {
        var queue = TransferQueue(maxTransfers: 8, maxPerHost: 4)
        let second: UInt64 = 1_000_000_000
        queue.pause(hostOf: "http://a.example/busy", until: 30 * second, now: 0)
        queue.append(item("http://a.example/1"))
        queue.append(item("http://b.example/1"))
        #expect(queue.next(now: 1 * second)?.request.url == "http://b.example/1")
        #expect(queue.next(now: 1 * second) == nil)
        #expect(queue.nextReadyTime(after: 1 * second) == 30 * second)
        #expect(queue.next(now: 30 * second)?.request.url == "http://a.example/1")
    }

    @Test func theHostIsTheLowerCasedAuthorityWithoutUserInfo() {
        #expect(TransferQueue.host(of: "https://user:pw@News.Example:8443/a?b#c") == "news.example:8443")
        #expect(TransferQueue.host(of: "http://news.example?x") == "news.example")
        #expect(TransferQueue.host(of: "http://news.example") == "news.example")
    }
}
