import Glibc
import Testing

@testable import NewsIngestEngine

/// File name patterns match as `fnmatch(3)` with no flags does, whether they take the byte comparisons or
/// `fnmatch` itself.
@Suite struct FileNameGlobTests {
    static let patterns = [
        "*.txt", ".*", "*.tmp", "*.part", "*.swp", "draft-*", "bài-viết.txt", "*", "", "*.*", "a*b", "?.txt",
        "[ab]*.txt", "\\*.txt", "*.TXT", "tin*", "*-tin.txt", "*ết.txt",
    ]
    static let names = [
        "a.txt", ".hidden.txt", ".", "x.tmp", "x.txt.part", "draft-1.txt", "bài-viết.txt", "bai-viet.txt", "", "txt",
        ".txt", "a.TXT", "ab", "a-b", "*.txt", "b.txt", "tin-tức.txt", "đây-là-tin.txt", "viết.txt", "x.swp",
    ]

    @Test func everyPatternMatchesAsFnmatchDoes() {
        for pattern in Self.patterns {
            let glob = FileNameGlob(pattern)
            for name in Self.names {
                #expect(glob.matches(name) == (fnmatch(pattern, name, 0) == 0), "\(pattern) on \(name)")
            }
        }
    }
}
