import Foundation
import TestSupport
import Testing

@testable import NewsIngestSystem

/// Making directories as `mkdir -p` does, with errors that name the path and the reason.
@Suite struct DirectoryMakerTests {
    @Test func missingParentsAreMadeAndAnExistingDirectoryIsLeftAlone() throws {
        let temporary = try TemporaryDirectory()
        let nested = temporary.path("a/b//c/")
        try DirectoryMaker.make(nested)
        #expect(try FileStatus(path: temporary.path("a/b/c")).isDirectory)
        try DirectoryMaker.make(nested)
        try DirectoryMaker.make(temporary.url.path)
    }

    @Test func aFileWhereADirectoryBelongsIsNamed() throws {
        let temporary = try TemporaryDirectory()
        let file = temporary.path("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: SystemCallError(call: "mkdir", subject: file, errno: ENOTDIR)) {
            try DirectoryMaker.make(file)
        }
        #expect(throws: SystemCallError(call: "mkdir", subject: file + "/state", errno: ENOTDIR)) {
            try DirectoryMaker.make(file + "/state")
        }
        let error = SystemCallError(call: "mkdir", subject: file + "/state", errno: ENOTDIR)
        #expect(error.description == "\(file)/state: mkdir failed: Not a directory (errno 20)")
    }

    @Test func parentsAreFoundByTheirLastSlash() {
        #expect(DirectoryMaker.parent(of: "/srv/out/state") == "/srv/out")
        #expect(DirectoryMaker.parent(of: "/srv//out//") == "/srv")
        #expect(DirectoryMaker.parent(of: "out/state") == "out")
        #expect(DirectoryMaker.parent(of: "/srv") == nil)
        #expect(DirectoryMaker.parent(of: "out") == nil)
        #expect(DirectoryMaker.parent(of: "/") == nil)
    }
}
