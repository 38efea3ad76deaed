import Foundation
import NewsIngestSystem
import TestSupport
import Testing

@testable import NewsIngestEngine

/// ``VersionCheck``, the one answer to "is this new?", on a real SQLite state file and real files: what is
/// in flight comes first, then what was committed.
@Suite struct VersionCheckTests {
    let directory: TemporaryDirectory
    let state: StateStore
    let admission = Admission(budget: InFlightBudget(maxFiles: 8, maxBytes: 1 << 20))

    init() throws {
        directory = try TemporaryDirectory()
        state = try StateStore(directory: directory.url.path)
    }

    var check: VersionCheck { VersionCheck(state: state, admission: admission, dedupe: .content) }

    func file(_ name: String, _ text: String = "bài báo") throws -> (path: String, identity: FileIdentity) {
        let path = directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (path, FileIdentity(try FileStatus(path: path)))
    }

    func commit(_ identity: FileIdentity, at path: String, as kind: FileOutcome.Kind) throws {
        try state.commit([FileOutcome(identity: identity, path: path, contentID: "id-\(path)", kind: kind)], ends: [])
    }

    @Test func aVersionNeverSeenIsRead() throws {
        let new = try file("new.txt")
        #expect(try check.verdict(forFileAt: new.path, identity: new.identity) == .init(decision: .read))
    }

    @Test func aVersionInFlightIsNotReadTwiceAndAnotherVersionWaitsForIt() throws {
        let article = try file("a.txt")
        #expect(admission.claim(article.identity))
        #expect(try check.verdict(forFileAt: article.path, identity: article.identity).decision == .inFlight)
        var touched = article.identity
        touched.modifiedNanoseconds += 1_000_000_000
        #expect(try check.verdict(forFileAt: article.path, identity: touched).decision == .anotherVersionInFlight)
        // In flight comes first: even once committed, a claimed version is in flight until released.
        try commit(article.identity, at: article.path, as: .emitted)
        #expect(try check.verdict(forFileAt: article.path, identity: article.identity).decision == .inFlight)
        admission.finish(0, claims: [article.identity])
        let verdict = try check.verdict(forFileAt: article.path, identity: article.identity)
        guard case .done(let row, let failed) = verdict.decision else {
            Issue.record("expected done, got \(verdict)")
            return
        }
        #expect(!failed && row > 0 && verdict.committedRow == row)
    }

    @Test func aFailedVersionIsDoneAsFailedEvenAfterItsInodeChanged() throws {
        let bad = try file("bad.txt")
        try commit(bad.identity, at: bad.path, as: .failed)
        var chmodded = bad.identity
        chmodded.changedNanoseconds += 1
        #expect(try check.verdict(forFileAt: bad.path, identity: chmodded).decision.isDoneAndFailed)
    }

    @Test func aDoneVersionWhoseInodeChangedIsReadAgain() throws {
        let article = try file("a.txt")
        try commit(article.identity, at: article.path, as: .duplicate)
        var another = article.identity
        another.changedNanoseconds += 1
        let verdict = try check.verdict(forFileAt: article.path, identity: another)
        #expect(verdict.decision == .read && verdict.committedRow != nil)
    }

    @Test func anUnreadableVersionIsLeftUntilItCanBeRead() throws {
        let article = try file("private.txt")
        try commit(article.identity, at: article.path, as: .unreadable)
        // Readable here: taken again. (Still unreadable needs another user; FilePermissionTests runs the binary so.)
        #expect(try check.verdict(forFileAt: article.path, identity: article.identity).decision == .read)
        let gone = directory.path("gone.txt")
        try commit(FileIdentity(device: 1, inode: 2, size: 3, modifiedNanoseconds: 4), at: gone, as: .unreadable)
        let verdict = try check.verdict(
            forFileAt: gone, identity: FileIdentity(device: 1, inode: 2, size: 3, modifiedNanoseconds: 4))
        #expect(verdict.decision == .stillUnreadable)
    }

    @Test func linksTakenThroughAnyIndexAreNotTakenAgain() throws {
        try state.markLinksTaken(["http://127.0.0.1/a", "http://127.0.0.1/b"], of: "http://127.0.0.1/index")
        let listed = ["http://127.0.0.1/b", "http://127.0.0.1/c", "http://127.0.0.1/a", "http://127.0.0.1/d"]
        #expect(try check.untakenLinks(among: listed) == ["http://127.0.0.1/c", "http://127.0.0.1/d"])
    }
}

extension VersionCheck.FileVerdict.Decision {
    var isDoneAndFailed: Bool {
        if case .done(_, true) = self { return true }
        return false
    }
}
