import ArticleFixtures
import Foundation
import Testing

/// Replays what the fuzzer kept (`make fuzz` adds to it), so every input that once mattered stays checked.
@Suite struct FuzzCorpusTests {
    @Test func corpusIsNotEmpty() throws {
        #expect(try FuzzCorpus.files(at: FuzzCorpus.directory.path).count >= 10)
    }

    @Test func everyKeptInputKeepsTheParserInvariants() throws {
        for path in try FuzzCorpus.files(at: FuzzCorpus.directory.path) {
            let violations = ParserInvariants.violations(for: try FuzzCorpus.read(path))
            #expect(violations.isEmpty, "\(path): \(violations.joined(separator: "; "))")
        }
    }
}
