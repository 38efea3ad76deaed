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
        let started = (0..<4).compactMap { _ in queue.next()?.request.url }
        #expect(started == ["http://a.example/0", "https://user@B.example:8443/x?y", "http://a.example/1"])
        queue.finished(HTTPRequest(url: "https://user@B.example:8443/x?y"))
        // A place in the total, but a is at its per-host limit.
        #expect(queue.next() == nil)
        queue.finished(HTTPRequest(url: "http://a.example/0"))
        #expect(queue.next()?.request.url == "http://a.example/2")
        #expect(queue.takeAll().map(\.request.url) == ["http://a.example/3"])
        #expect(queue.isEmpty)
    }

    @Test func theHostIsTheLowerCasedAuthorityWithoutUserInfo() {
        #expect(TransferQueue.host(of: "https://user:pw@News.Example:8443/a?b#c") == "news.example:8443")
        #expect(TransferQueue.host(of: "http://news.example?x") == "news.example")
        #expect(TransferQueue.host(of: "http://news.example") == "news.example")
    }
}
