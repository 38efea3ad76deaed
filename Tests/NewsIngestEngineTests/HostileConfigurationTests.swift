import ArticleFixtures
import Foundation
import TestSupport
import Testing

@testable import NewsIngestEngine

/// Configurations written to hurt: nesting past the stack, keys of thousands of parts, tens of thousands of
/// tables. Each is refused with its line, or read in time linear in its size: compared by the work at N and at
/// 4N (``LinearGrowth``), never against a wall-clock limit.
@Suite struct HostileConfigurationTests {
    /// What `make fuzz` kept for the configuration target: each input gives settings, or an error that names the
    /// file and a line within it, the same each time.
    @Test func everyKeptConfigurationInputIsReadOrRefusedWithItsPlace() throws {
        let directory = RepositoryFiles.root().appendingPathComponent("Tests/FuzzCorpus-configuration").path
        let inputs = try FuzzCorpus.files(at: directory)
        #expect(inputs.count >= 3)
        for path in inputs {
            guard let text = String(validating: try FuzzCorpus.read(path), as: UTF8.self) else { continue }
            let lines = text.utf8.count { $0 == 0x0A } + 1
            do {
                _ = try Configuration.parse(text, source: "kept.toml", cores: 2)
            } catch {
                #expect(error.description.hasPrefix("kept.toml") && !error.reason.isEmpty, "\(path): \(error)")
                #expect(error.line.map { (1...lines).contains($0) } ?? true, "\(path): \(error)")
                #expect(throws: error) { try Configuration.parse(text, source: "kept.toml", cores: 2) }
            }
        }
    }

    @Test(arguments: ["[", "{a="])
    func nestingPastTheLimitIsRefusedWithItsLine(opening: String) {
        let text = "title = \"x\"\ndeep = " + String(repeating: opening, count: 60_000) + "1\n"
        #expect {
            try TOMLParser.parse(text)
        } throws: { error in
            let error = error as? TOMLError
            return error?.line == 2 && error?.reason.contains("nested more than 32 deep") == true
        }
        // At the limit it still parses.
        let atLimit = "deep = " + String(repeating: "[", count: 32) + "1" + String(repeating: "]", count: 32)
        #expect(throws: Never.self) { try TOMLParser.parse(atLimit) }
    }

    @Test func aKeyOfThousandsOfPartsIsRefused() {
        for text in [
            (1...3000).map { "k\($0)" }.joined(separator: ".") + " = 1",
            "[" + (1...3000).map { "t\($0)" }.joined(separator: ".") + "]",
        ] {
            #expect {
                try TOMLParser.parse(text)
            } throws: { error in
                (error as? TOMLError)?.reason.contains("more than 32 dotted parts") == true
            }
        }
        #expect(throws: Never.self) { try TOMLParser.parse((1...32).map { "k\($0)" }.joined(separator: ".") + " = 1") }
    }

    @Test func aKeyLongerThanTheLimitIsRefused() {
        #expect {
            try TOMLParser.parse("\"" + String(repeating: "k", count: 5000) + "\" = 1")
        } throws: { error in
            (error as? TOMLError)?.reason.contains("longer than 1024 bytes") == true
        }
    }

    @Test func anArrayWrittenAsAValueTakesNoTablesFromHeaders() {
        #expect(throws: TOMLError.self) { try TOMLParser.parse("a = [{ b = 1 }]\n[[a]]\nb = 2\n") }
    }

    /// `[[source.directory]]` tables, each with its keys: read and checked for overlaps in linear time.
    @Test func manyDirectoryTablesAreReadInLinearTime() throws {
        func configuration(_ count: Int) -> String {
            (0..<count).map {
                "[[source.directory]]\npath = \"/nonexistent/newsingest/d\($0)\"\ninclude = [\"*.txt\"]\n"
            }
            .joined()
        }
        let (small, large) = (configuration(2_500), configuration(10_000))
        func read(_ text: String) throws {
            let settings = try Configuration.parse(text, source: "hostile.toml", cores: 2)
            #expect(settings.directoryOverlap(workingDirectory: "/") == nil)
        }
        let growth = try LinearGrowth.check(small: small, large: large) { input in try read(input) }
        #expect(growth.isLinear, "\(growth.small) s, then \(growth.large) s")
        #expect(try Configuration.parse(large, source: "hostile.toml", cores: 2).directories.count == 10_000)
    }

    /// Many keys under one array of tables element, and many dotted keys: no copy of what came before.
    @Test func manyKeysAreReadInLinearTime() throws {
        func document(_ count: Int) -> String {
            "[[a.b]]\n" + (0..<count).map { "k\($0).x.y = \($0)\n" }.joined()
        }
        let (small, large) = (document(5_000), document(20_000))
        let growth = try LinearGrowth.check(small: small, large: large) { input in _ = try TOMLParser.parse(input) }
        #expect(growth.isLinear, "\(growth.small) s, then \(growth.large) s")
    }

    /// The overlap check still finds what it found when it compared every pair.
    @Test func overlapsAreFoundAmongManyDirectories() throws {
        var text = (0..<5_000).map { "[[source.directory]]\npath = \"/nonexistent/d\($0)\"\n" }.joined()
        text += "[[source.directory]]\npath = \"/nonexistent\"\nrecursive = true\n"
        text += "[[source.directory]]\npath = \"/nonexistent/d7\"\n"
        let settings = try Configuration.parse(text, source: "hostile.toml", cores: 2)
        let overlap = try #require(settings.directoryOverlap(workingDirectory: "/"))
        // d0 comes first and lies under the recursive /nonexistent, configured after it.
        #expect(overlap.index == 0 && overlap.otherIndex == 5_000 && !overlap.isSame)
        var hidden = "[[source.directory]]\npath = \"/nonexistent\"\nrecursive = true\n"
        hidden += "[[source.directory]]\npath = \"/nonexistent/.hidden/d\"\n"
        hidden += "[[source.directory]]\npath = \"/nonexistent/.hidden/d\"\n"
        let twice = try #require(
            try Configuration.parse(hidden, source: "hostile.toml", cores: 2).directoryOverlap(workingDirectory: "/"))
        #expect(twice.index == 2 && twice.otherIndex == 1 && twice.isSame)
    }
}
