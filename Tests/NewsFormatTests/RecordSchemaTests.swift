import ArticleFixtures
import Foundation
import NewsFormat
import TestSupport
import Testing

/// Every record the fixtures produce (generated articles of every layout, encoding and noise, the seeds, the
/// fuzz corpus, every kind of source, error records) is valid under `docs/record.schema.json`, checked by a
/// real JSON Schema 2020-12 validator (Python's `jsonschema`).
@Suite struct RecordSchemaTests {
    let root = RepositoryFiles.root()

    /// Runs the validator on `lines`; its exit status and what it printed.
    func validate(_ lines: [UInt8]) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID()).jsonl")
        try Data(lines).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try ExternalTool.run(
            "/usr/bin/env",
            [
                "python3", root.appendingPathComponent("Tests/Schema/validate_records.py").path,
                root.appendingPathComponent("docs/record.schema.json").path, file.path,
            ])
    }

    /// The records and error records of the fixtures, one JSON line each.
    func fixtureLines() throws -> (lines: [UInt8], records: Int, errors: Int) {
        let parser = ArticleParser(toneStyle: .press)
        let now = Timestamp(millisecondsSince1970: 1_764_000_000_123)
        var lines: [UInt8] = []
        var records = 0
        var errors = 0
        func add(_ bytes: [UInt8], path: String, source: RecordSource) {
            do {
                let article = try parser.parse(bytes)
                lines += ArticleRecord(article: article, source: source, ingestedAt: now).jsonLine()
                records += 1
            } catch {
                lines += ErrorRecord(
                    time: now, path: path, reason: error.description, code: error.code.rawValue, size: bytes.count
                ).jsonLine()
                errors += 1
            }
        }
        var generator = ArticleGenerator(seed: 2026)
        for index in 0..<400 {
            let bytes = generator.next().bytes(seed: UInt64(index))
            let path = "in/\(index).txt"
            let source: RecordSource
            switch index % 3 {
            case 0:
                source = .file(
                    FileSource(
                        path: path, size: bytes.count, modifiedAt: now, device: 2049, inode: UInt64(index),
                        bornAt: index % 2 == 0 ? now : nil))
            case 1:
                source = .url(
                    URLSourceInfo(
                        url: "http://127.0.0.1/\(index)", finalURL: "http://127.0.0.1/a/\(index)", status: 200,
                        etag: index % 2 == 0 ? "\"e\(index)\"" : nil, lastModified: nil, fetchedAt: now))
            default:
                source = .standardInput(size: bytes.count)
            }
            add(bytes, path: path, source: source)
        }
        for name in RepositoryFiles.seedNames {
            let bytes = try RepositoryFiles.seed(name)
            add(bytes, path: name, source: .file(FileSource(path: "seeds/" + name, size: bytes.count, modifiedAt: nil)))
        }
        let corpus = try FuzzCorpus.files(at: root.appendingPathComponent("Tests/FuzzCorpus").path)
        for path in corpus.prefix(300) {
            let bytes = try FuzzCorpus.read(path)
            add(bytes, path: path, source: .file(FileSource(path: path, size: bytes.count, modifiedAt: now)))
        }
        return (lines, records, errors)
    }

    @Test func everyRecordTheFixturesProduceIsValidUnderTheSchema() throws {
        let fixtures = try fixtureLines()
        #expect(fixtures.records > 300 && fixtures.errors > 0)
        let result = try validate(fixtures.lines)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\(fixtures.records + fixtures.errors) valid, 0 invalid"), "\(result.output)")
    }

    @Test func aRecordThatBreaksTheSchemaIsFoundWithItsLineAndField() throws {
        let parser = ArticleParser(toneStyle: .press)
        let article = try parser.parse(try RepositoryFiles.seed(RepositoryFiles.seedNames[0]))
        let record = ArticleRecord(
            article: article, source: .standardInput(size: 1), ingestedAt: Timestamp(millisecondsSince1970: 0))
        let broken = String(decoding: record.jsonLine(), as: UTF8.self).replacing(
            "\"simhash\":\"", with: "\"simhash\":\"x")
        let result = try validate(record.jsonLine() + Array(broken.utf8))
        #expect(result.status == 1)
        #expect(result.output.contains(":2: simhash:"), "\(result.output)")
    }
}
