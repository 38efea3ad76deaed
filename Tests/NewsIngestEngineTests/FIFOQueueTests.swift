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
        queue.append(contentsOf: [next, next + 1])
        let rest = queue.takeAll()
        #expect(rest == Array(expected..<(next + 2)))
        #expect(queue.isEmpty && queue.popFirst() == nil)
    }
}
