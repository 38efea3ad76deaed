import ArticleFixtures
import Foundation
import Testing

@testable import NewsFormat

@Suite struct ArticleRecordTests {
    let keys = [
        "schema", "id", "source", "ingested_at", "encoding", "language", "title", "outlet", "dateline", "lead",
        "paragraphs", "text", "captions", "byline", "quotes", "dates", "stats", "simhash", "warnings",
    ]

    func record(_ text: String, source: RecordSource? = nil) throws -> [UInt8] {
        let article = try ArticleParser().parse(Array(text.utf8))
        let file = FileSource(
            path: "/data/in/012_00ff00ff00ff00ff.txt", size: text.utf8.count,
            modifiedAt: Timestamp(millisecondsSince1970: 0))
        return ArticleRecord(
            article: article, source: source ?? .file(file),
            ingestedAt: Timestamp(millisecondsSince1970: 1_765_000_000_123)
        ).jsonLine()
    }

    @Test func recordIsOneJSONLineWithKeysInSchemaOrder() throws {
        let line = try record(String(decoding: try RepositoryFiles.seed("004_dda8511f67098ecd.txt"), as: UTF8.self))
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
        #expect(Set(object.keys) == Set(keys))
        let text = String(decoding: line, as: UTF8.self)
        let positions = keys.map { text.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(object["schema"] as? String == "newsingest.article/1")
        #expect((object["id"] as? String)?.count == 64)
        #expect((object["simhash"] as? String)?.count == 16)
        #expect(object["ingested_at"] as? String == "2025-12-06T05:46:40.123Z")
        let source = object["source"] as! [String: Any]
        #expect(source["seq"] as? Int == 12)
        #expect(source["key"] as? String == "00ff00ff00ff00ff")
        #expect(source["name"] as? String == "012_00ff00ff00ff00ff.txt")
        #expect(source["modified_at"] as? String == "1970-01-01T00:00:00.000Z")
        let outlet = object["outlet"] as! [String: String]
        #expect(outlet == ["code": "TPO", "name": "Tiền Phong"])
    }

    /// A file's source gives its device, inode and birth time (`null` where unknown), after its size and
    /// modification time; standard input gives `null` for each.
    @Test func aFileSourceGivesItsDeviceInodeAndBirthTime() throws {
        let text = "TPO - Ông nói xin chào."
        let file = FileSource(
            path: "/data/in/a.txt", size: 27, modifiedAt: Timestamp(millisecondsSince1970: 2_000),
            device: 2049, inode: 1_234_567, bornAt: Timestamp(nanosecondsSince1970: 1_999_999_999))
        let line = String(decoding: try record(text, source: .file(file)), as: UTF8.self)
        #expect(
            line.contains(
                #""size":27,"modified_at":"1970-01-01T00:00:02.000Z","device":2049,"inode":1234567,"#
                    + #""born_at":"1970-01-01T00:00:01.999Z"}"#), "\(line)")
        let unknown = String(
            decoding: try record(text, source: .file(FileSource(path: "a.txt", size: 27, modifiedAt: nil))),
            as: UTF8.self)
        #expect(unknown.contains(#""device":null,"inode":null,"born_at":null}"#), "\(unknown)")
        let input = String(decoding: try record(text, source: .standardInput(size: 27)), as: UTF8.self)
        #expect(input.contains(#""modified_at":null,"device":null,"inode":null,"born_at":null}"#), "\(input)")
        // Times before 1970 round down to the millisecond, as modification times do.
        #expect(Timestamp(nanosecondsSince1970: -1).millisecondsSince1970 == -1)
        #expect(Timestamp(nanosecondsSince1970: -1_000_000).millisecondsSince1970 == -1)
        #expect(Timestamp(nanosecondsSince1970: -1_000_001).millisecondsSince1970 == -2)
    }

    @Test func stringsAreEscaped() throws {
        // Paths are not normalized, so a line separator in one reaches the writer and must be escaped.
        let path = "/data/in/a\u{2028}b\tc\u{1}.txt"
        let file = FileSource(path: path, size: 1, modifiedAt: nil)
        let line = try record("TPO - Ông nói \"xin chào\" \\ kết thúc.", source: .file(file))
        let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
        #expect(object["lead"] as? String == "Ông nói \"xin chào\" \\ kết thúc.")
        #expect((object["source"] as? [String: Any])?["path"] as? String == path)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains(#"a\u2028b\tc\u0001.txt"#))
        #expect(!text.contains("\u{2028}") && !text.dropLast().contains("\n"))
    }

    /// The text field is written from the escaped lead and paragraphs: it must read back as the article's
    /// text, whatever the pieces hold (quotes, backslashes, control characters, U+2028), and a text that is
    /// not the join of the pieces is escaped itself.
    @Test func theTextFieldReadsBackAsTheArticlesText() throws {
        var generator = ArticleGenerator(seed: 77)
        var articles = try (0..<60).map { index -> ParsedArticle in
            var generated = generator.next()
            generated.noise = index % 2 == 0 ? [] : Set(GeneratedArticle.Noise.allCases)
            generated.encoding = .utf8
            return try ArticleParser().parse(generated.bytes(seed: UInt64(index)))
        }
        let tricky = try ArticleParser().parse(
            Array("Tiêu đề\nTPO - Ông nói \"xin\\chào\"\u{2028}x\nĐoạn \u{1}hai \\\" kết.\nĐoạn ba.".utf8))
        articles.append(tricky)
        var edited = tricky
        edited.text = "không phải \"ghép\"\n\nnữa"
        articles.append(edited)
        var noLead = tricky
        noLead.lead = nil
        noLead.text = noLead.paragraphs.joined(separator: "\n\n")
        articles.append(noLead)
        for article in articles {
            let line = ArticleRecord(
                article: article, source: .standardInput(size: 0),
                ingestedAt: Timestamp(
                    millisecondsSince1970: 0)
            ).jsonLine()
            let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
            #expect(object["text"] as? String == article.text, "\(article.text)")
            #expect(object["paragraphs"] as? [String] == article.paragraphs)
        }
        #expect(tricky.isTextLeadAndParagraphs && noLead.isTextLeadAndParagraphs && !edited.isTextLeadAndParagraphs)
    }

    @Test func otherFileNamesHaveNullSequenceAndKey() {
        let source = FileSource(path: "in/bai-viet.txt", size: 1, modifiedAt: nil)
        #expect(source.sequence == nil && source.key == nil && source.name == "bai-viet.txt")
        #expect(FileSource.parseName("7_0123456789abcdef.txt")! == (7, "0123456789abcdef"))
        #expect(FileSource.parseName("007_0123456789ABCDEF.txt") == nil)
        for (path, name) in [("a/b/", "b"), ("/", "/"), ("x.txt", "x.txt"), ("/d//tin.txt", "tin.txt"), ("", "")] {
            #expect(FileSource(path: path, size: 0, modifiedAt: nil).name == name, "\(path)")
        }
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"), (951_782_400_999, "2000-02-29T00:00:00.999Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
    ])
    func timestampsAreRFC3339UTC(milliseconds: Int64, expected: String) {
        #expect(Timestamp(millisecondsSince1970: milliseconds).rfc3339 == expected)
        var json = JSONWriter(capacity: 32)
        json.timestamp(Timestamp(millisecondsSince1970: milliseconds))
        #expect(json.bytes == Array("\"\(expected)\"".utf8))
    }

    /// The writer puts numbers, fingerprints and timestamps in digit by digit; they read back as Swift
    /// formats them.
    @Test func numbersAreWrittenAsSwiftFormatsThem() throws {
        let integers = [0, 7, 10, 99, 100, 4_096, -1, -10, 1_234_567_890, Int.max, Int.min]
        var json = JSONWriter(capacity: 256)
        json.beginArray()
        for integer in integers { json.integer(integer) }
        json.integer(nil)
        for value: UInt64 in [0, 0x0123_4567_89AB_CDEF, .max] { json.hexString(value) }
        json.timestamp(nil)
        json.timestamp(Timestamp(millisecondsSince1970: 253_402_300_800_000))  // year 10000: out of range
        json.endArray()
        let expected =
            "[" + integers.map(String.init).joined(separator: ",")
            + ",null,\"0000000000000000\",\"0123456789abcdef\",\"ffffffffffffffff\",null,"
            + "\"10000-01-01T00:00:00.000Z\"]"
        #expect(String(decoding: json.bytes, as: UTF8.self) == expected)
        #expect(SimHash(value: 0xAB).hex == "00000000000000ab")
    }
}
