import Foundation
import NewsFormat
import Testing

/// Articles written to hurt the parser: a letter under hundreds of thousands of combining marks, tens of
/// thousands of paragraphs. Each costs time linear in its size: compared by the work at N and at 4N (the
/// thread's own CPU time, the least of three runs), never against a wall-clock limit.
@Suite struct HostileArticleTests {
    func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            var start = timespec()
            var end = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
            try body()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
            best = min(best, Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9)
        }
        return best
    }

    /// True when the work at 4N is less than twice what linear growth gives (quadratic gives four times).
    func growsLinearly(small: Double, large: Double) -> Bool { large < 8 * max(small, 1e-4) }

    func article(_ body: String) -> [UInt8] {
        Array("Tiêu đề bài báo\n\nHà Nội - Đoạn mở đầu của bài báo.\n\n\(body)\n".utf8)
    }

    @Test func aLetterUnderAStackOfCombiningMarksIsLinearAndCut() throws {
        func marks(_ count: Int) -> [UInt8] {
            article("Đoạn a" + String(repeating: "\u{301}\u{323}", count: count) + " cuối.")
        }
        let (small, large) = (marks(10_000), marks(40_000))
        let parser = ArticleParser()
        let smallSeconds = try cpuSeconds { _ = try parser.parse(small) }
        let largeSeconds = try cpuSeconds { _ = try parser.parse(large) }
        #expect(growsLinearly(small: smallSeconds, large: largeSeconds), "\(smallSeconds) s, then \(largeSeconds) s")
        let parsed = try parser.parse(large)
        #expect(parsed.warnings.contains("combining_marks_dropped:\(80_000 - 30)"), "\(parsed.warnings)")
        #expect(parsed.paragraphs.joined().unicodeScalars.count < 100)
    }

    @Test func tensOfThousandsOfParagraphsAreLinear() throws {
        func paragraphs(_ count: Int) -> [UInt8] {
            article((0..<count).map { "Đoạn văn số \($0) của bài." }.joined(separator: "\n\n"))
        }
        let (small, large) = (paragraphs(5_000), paragraphs(20_000))
        let parser = ArticleParser()
        let smallSeconds = try cpuSeconds { _ = try parser.parse(small) }
        let largeSeconds = try cpuSeconds { _ = try parser.parse(large) }
        #expect(growsLinearly(small: smallSeconds, large: largeSeconds), "\(smallSeconds) s, then \(largeSeconds) s")
        #expect(try parser.parse(large).paragraphs.count == 20_000)
    }

    @Test func repeatedParagraphsAreStillFoundByTheirBytes() throws {
        let body = ["Một.", "Hai.", "Một.", "Ba.", "Hai.", "Một."].joined(separator: "\n\n")
        let parsed = try ArticleParser().parse(article(body))
        #expect(parsed.paragraphs == ["Một.", "Hai.", "Ba."])
        #expect(parsed.warnings.contains("duplicate_paragraph_removed:3"))
    }
}
