import ArticleFixtures
import Foundation
import Testing

@testable import NewsFormat

/// The user's two sample articles are the first golden tests.
@Suite struct SeedArticleTests {
    let parser = ArticleParser()

    /// The content id is part of the output's contract: outputs and states written by earlier versions dedupe
    /// by it, so the seeds' ids never change (default tone style).
    @Test func theSeedsContentIDsStayTheSame() throws {
        let ids = try ["000_b3c25ff2cb7dd556.txt", "004_dda8511f67098ecd.txt"].map {
            try parser.parse(try RepositoryFiles.seed($0)).id
        }
        #expect(
            ids == [
                "2ea2ecf544936d9516e197991be634150fa4a1cb92a14d995b112b7dcae13c09",
                "850d44512e650f94648ed0da28bb9105c1c4ff1cb0bc760e8d6f9fe13c382829",
            ])
    }

    @Test func seedWithHeadlineHasTitleOutletLeadAndCaption() throws {
        let article = try parser.parse(try RepositoryFiles.seed("004_dda8511f67098ecd.txt"))
        #expect(article.title == "Tổng thống Ukraine Zelensky báo hiệu tiến triển trong thương lượng với Mỹ")
        #expect(article.outlet?.code == "TPO")
        #expect(article.outlet?.name == "Tiền Phong")
        #expect(article.lead?.hasPrefix("Tổng thống Ukraine Volodymir Zelensky cho biết") == true)
        #expect(article.captions == [Caption(text: "Tổng thống Ukraine Volodymir Zelensky.", credit: "AP", block: 2)])
        #expect(article.paragraphs.count == 10)
        #expect(
            article.paragraphs.last
                == "Cho đến nay các bên vẫn chưa đạt được bước đột phá nào sau các cuộc đàm phán mà Mỹ làm trung gian.")
        #expect(!article.paragraphs.contains { $0.contains("Ảnh") })
        #expect(article.encoding == .utf8)
        #expect(article.language == "vi")
        #expect(article.warnings.isEmpty)
        #expect(article.quotes.first == "thực chất")
        #expect(article.dates.first == DateMention(text: "ngày 6/12", day: 6, month: 12, year: nil))
    }

    @Test func seedWithoutHeadlineStartsWithCreditedCaption() throws {
        let article = try parser.parse(try RepositoryFiles.seed("000_b3c25ff2cb7dd556.txt"))
        #expect(article.title == nil)
        #expect(article.warnings.contains("no_title"))
        #expect(article.captions.count == 1)
        #expect(article.captions.first?.credit == "Văn phòng Tổng thống Ukraine")
        #expect(article.captions.first?.text == "Tổng thống Ukraine Zelensky.")
        #expect(article.captions.first?.block == 0)
        #expect(article.lead?.hasPrefix("Hãng tin CNN dẫn lời") == true)
        #expect(article.paragraphs.count == 8)
        #expect(article.outlet == nil)
        #expect(article.quotes.contains("mang tính xây dựng"))
        #expect(
            article.dates.map(\.text) == ["ngày 4/12", "ngày 6/12", "ngày 3/12", "ngày 6/12", "ngày 8/12", "ngày 6/12"])
    }

    @Test func seedsAreAlreadyNormalized() throws {
        for name in RepositoryFiles.seedNames {
            let text = String(decoding: try RepositoryFiles.seed(name), as: UTF8.self)
            #expect(TextNormalizer().normalize(text).text == text)
        }
    }

    @Test func seedsAreNearDuplicatesByFingerprint() throws {
        let first = try parser.parse(try RepositoryFiles.seed(RepositoryFiles.seedNames[0])).simhash
        let second = try parser.parse(try RepositoryFiles.seed(RepositoryFiles.seedNames[1])).simhash
        let unrelated = try parser.parse(Array(RepositoryFiles.unrelatedArticle.utf8)).simhash
        let between = first.distance(to: second)
        #expect(between < first.distance(to: unrelated))
        #expect(between < second.distance(to: unrelated))
    }

    @Test func idIsStableAcrossLayoutAndEncoding() throws {
        // TCVN3 and VNI have no curly quotes or en dash: compare against the seed with ASCII punctuation.
        let text = String(decoding: try RepositoryFiles.seed("004_dda8511f67098ecd.txt"), as: UTF8.self)
            .replacingOccurrences(of: "“", with: "\"").replacingOccurrences(of: "”", with: "\"")
            .replacingOccurrences(of: "–", with: "-")
        let original = try parser.parse(Array(text.utf8))
        let oneBlockPerLine = text.replacingOccurrences(of: "\n\n", with: "\r\n")
        for encoding in TextEncoding.allCases {
            let reencoded = try parser.parse(LegacyEncoder.encode(oneBlockPerLine, as: encoding))
            #expect(reencoded.id == original.id, "encoding \(encoding.rawValue)")
            #expect(reencoded.encoding == encoding)
        }
    }
}
