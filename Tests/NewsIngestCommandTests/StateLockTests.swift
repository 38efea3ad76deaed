import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// The state database holds the lock that keeps a second daemon off the same paths. Removed or replaced while
/// the daemon runs, it takes the lock with it: the daemon notices, stops with status 1 (systemd restarts it),
/// and the next start, on a new state, adopts the output's lines; so no article is written twice, whichever
/// daemon comes next.
@Suite struct StateLockTests {
    let runner = BinaryRunner()

    enum Displacement: String, CaseIterable {
        /// `rm -rf` of the state directory.
        case directoryRemoved
        /// The database file renamed away and another put in its place.
        case fileReplaced
    }

    @Test(arguments: Displacement.allCases)
    func aStateRemovedOrReplacedStopsTheDaemonAndTheNextOneWritesNothingTwice(_ displacement: Displacement)
        throws
    {
        let workspace = try Workspace()
        let articles = ArticleGenerator.seedLikeArticles(20, seed: 71)
        for (index, bytes) in articles[..<10].enumerated() { try workspace.write("\(index).txt", bytes) }
        let first = try workspace.start(runner)
        #expect(Wait.until(seconds: 60) { workspace.records().count == Set(articles[..<10]).count }, "\(first.log)")

        let state = workspace.temporary.url.appendingPathComponent("out/state")
        switch displacement {
        case .directoryRemoved:
            try FileManager.default.removeItem(at: state)
        case .fileReplaced:
            let database = state.appendingPathComponent("state.sqlite3")
            try FileManager.default.moveItem(at: database, to: state.appendingPathComponent("aside.sqlite3"))
            try Data().write(to: database)
        }
        // It stops by itself, and says why.
        #expect(Wait.until(seconds: 60) { !first.isRunning }, "\(first.log)")
        #expect(first.stop() == 1, "\(first.log)")
        #expect(first.log.contains("the state database was removed or replaced"), "\(first.log)")

        // The next daemon starts on a new state (the empty file put in place, or a directory it makes), adopts the output, and takes only what is new.
        for (index, bytes) in articles.enumerated().dropFirst(10) { try workspace.write("\(index).txt", bytes) }
        let second = try workspace.start(runner)
        #expect(Wait.until(seconds: 60) { workspace.records().count >= Set(articles).count }, "\(second.log)")
        #expect(second.stop() == 0)
        let paths = workspace.records().compactMap { ($0["source"] as? [String: Any])?["path"] as? String }
        #expect(paths.count == Set(articles).count, "every article once: \(paths.sorted())")
        #expect(Set(paths).count == paths.count, "no file twice")
    }
}
