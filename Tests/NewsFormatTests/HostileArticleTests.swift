import Foundation
import NewsFormat
import Synchronization
import TestSupport
import Testing

/// Articles written to hurt the parser: a letter under hundreds of thousands of combining marks, tens of
/// thousands of paragraphs. Each costs time linear in its size: compared by the work at N and at 4N (``LinearGrowth``), never against a wall-clock limit.
@Suite struct HostileArticleTests {
    func article(_ body: String) -> [UInt8] {
        Array("Tiêu đề bài báo\n\nHà Nội - Đoạn mở đầu của bài báo.\n\n\(body)\n".utf8)
    }

    @Test func aLetterUnderAStackOfCombiningMarksIsLinearAndCut() throws {
        func marks(_ count: Int) -> [UInt8] {
            article("Đoạn a" + String(repeating: "\u{301}\u{323}", count: count) + " cuối.")
        }
        let (small, large) = (marks(10_000), marks(40_000))
        let parser = ArticleParser()
        let growth = try LinearGrowth.check(small: small, large: large) { input in _ = try parser.parse(input) }
        #expect(growth.isLinear, "\(growth.small) s, then \(growth.large) s")
        let parsed = try parser.parse(large)
        #expect(parsed.warnings.contains("combining_marks_dropped:\(80_000 - 30)"), "\(parsed.warnings)")
        #expect(parsed.paragraphs.joined().unicodeScalars.count < 100)
        // At the size that hurt (2 MB of marks: more than a minute before), once.
        let hurt = try parser.parse(marks(500_000))
        #expect(hurt.warnings.contains("combining_marks_dropped:\(1_000_000 - 30)"), "\(hurt.warnings)")
    }

    @Test func tensOfThousandsOfParagraphsAreLinear() throws {
        func paragraphs(_ count: Int) -> [UInt8] {
            article((0..<count).map { "Đoạn văn số \($0) của bài." }.joined(separator: "\n\n"))
        }
        // 40 000 paragraphs took 26 s when each was compared with every earlier one.
        let (small, large) = (paragraphs(10_000), paragraphs(40_000))
        let parser = ArticleParser()
        let growth = try LinearGrowth.check(small: small, large: large) { input in _ = try parser.parse(input) }
        #expect(growth.isLinear, "\(growth.small) s, then \(growth.large) s")
        #expect(try parser.parse(large).paragraphs.count == 40_000)
    }

    /// Each other pass over an article, fed what it looks for (or nearly) tens of thousands of times in one
    /// block: quotes, dates, bylines, captions, outlet prefixes, one 1.6 MB word, a token of 100 000 words
    /// glued by commas (each of them respelled; the URL check read the whole token again for each word, 42 s
    /// for 400 KB), stray bytes decoded as Windows-1258, TCVN3.
    @Test(
        arguments: [
            ("quotes", "\"a ", 0), ("curly quotes", "“", 0), ("dates", "ngày 12/3/2024, ", 0),
            ("date words", "ngày tháng năm ", 0), ("slashes", "12/", 0), ("byline", "Theo ", 0),
            ("caption markers", "(Ảnh: ", 0), ("illustration markers", "Ảnh minh họa", 0),
            ("outlet prefixes", "Hà Nội - ", 0), ("one word", "aaaa", 0), ("glued words", "hoà,", 0),
            ("related markers", ">>", 0), ("ellipses", "…", 0), ("non-breaking spaces", "a\u{A0}", 0),
            ("stray bytes", "", 0xE1), ("TCVN3", "", 0xB8),
        ] as [(String, String, UInt8)])
    func everyOtherPassIsLinear(name: String, unit: String, byte: UInt8) throws {
        func input(_ count: Int) -> [UInt8] {
            guard unit.isEmpty else { return article(String(repeating: unit, count: count)) }
            return article("") + [UInt8](repeating: byte, count: 2 * count) + [0x0A]
        }
        let (small, large) = (input(25_000), input(100_000))
        let parser = ArticleParser()
        let growth = LinearGrowth.check(small: small, large: large) { input in _ = try? parser.parse(input) }
        #expect(growth.isLinear, "\(name): \(growth.small) s, then \(growth.large) s")
    }

    /// The last resort: past its deadline a parse stops with `parse_timeout`, inside the pass over words too
    /// (asked every few thousand words), not only between passes.
    @Test func aParsePastItsDeadlineStopsWithParseTimeout() throws {
        let long = article(String(repeating: "hoà bình, ", count: 50_000))
        #expect {
            try ArticleParser().parse(long, deadline: ParseDeadline(limit: "test") { true })
        } throws: { error in
            (error as? ArticleParseError)?.code == .parseTimeout
                && (error as? ArticleParseError)?.reason.contains("longer than test (stopped after decoding)") == true
        }
        // Past only once the word pass has begun: it stops there.
        let looks = Mutex(0)
        let duringWords = ParseDeadline(limit: "test") {
            looks.withLock {
                $0 += 1; return $0 > 2
            }
        }
        #expect {
            try ArticleParser().parse(long, deadline: duringWords)
        } throws: { error in
            (error as? ArticleParseError)?.reason.contains("stopped placing tone marks") == true
        }
        #expect(looks.withLock { $0 } < 10, "it stopped at once")
        // A deadline never reached changes nothing.
        let free = try ArticleParser().parse(long, deadline: ParseDeadline(limit: "test") { false })
        #expect(free == (try ArticleParser().parse(long)))
    }

    @Test func repeatedParagraphsAreStillFoundByTheirBytes() throws {
        let body = ["Một.", "Hai.", "Một.", "Ba.", "Hai.", "Một."].joined(separator: "\n\n")
        let parsed = try ArticleParser().parse(article(body))
        #expect(parsed.paragraphs == ["Một.", "Hai.", "Ba."])
        #expect(parsed.warnings.contains("duplicate_paragraph_removed:3"))
    }

    /// A file of millions of one-letter lines made a record of millions of captions (a 10 MiB file, a 214 MB
    /// line and 590 MB of memory): past ``ArticleParser/maxBlocks`` lines the input is refused, with a reason.
    @Test func millionsOfLinesAreRefusedNotTurnedIntoARecord() throws {
        // 10 MiB of them, as the file that made a 214 MB line.
        let lines = article(String(repeating: "a\n", count: 5 << 20))
        #expect {
            try ArticleParser().parse(lines)
        } throws: { error in
            (error as? ArticleParseError)?.code == .recordTooLarge
                && (error as? ArticleParseError)?.reason.contains("more than 50000 lines") == true
        }
        let atTheLimit = article((0..<(ArticleParser.maxBlocks - 3)).map { "Dòng \($0)." }.joined(separator: "\n"))
        #expect(throws: Never.self) { try ArticleParser().parse(atTheLimit) }
    }
}
