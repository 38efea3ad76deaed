import Foundation
import TestSupport
import Testing

@testable import NewsIngestEngine

/// The names a batch parse takes, read as the batch goes.
@Suite struct BatchInputsTests {
    func write(_ names: [String], under root: URL, bytes: Int = 10) throws {
        for name in names {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(repeating: 0x61, count: bytes).write(to: url)
        }
    }

    @Test func namesListsAndDirectoriesComeInTheirOrderWithProblemsInPlace() throws {
        let temporary = try TemporaryDirectory()
        let root = temporary.url.path
        try write(
            ["one.txt", "dir/b.txt", "dir/a.txt", "dir/sub/c.txt", "dir/.hidden/d.txt", "dir/e.md"],
            under: temporary.url)
        var inputs = BatchInputs()
        // A list with CRLF ends, an empty name, a name that is not UTF-8, and a directory.
        let list = Array("\(root)/one.txt\r\n\n".utf8) + [0x63, 0x61, 0x66, 0xE9, 0x0A] + Array("\(root)/dir\n".utf8)
        inputs.add(list: list, separator: 0x0A)
        inputs.add("\(root)/missing.txt")
        inputs.add("-")
        #expect(
            Array(inputs) == [
                .file(.init(path: "\(root)/one.txt", size: 10)),
                .problem(name: "caf\\xE9", reason: "the name is not UTF-8"),
                .file(.init(path: "\(root)/dir/a.txt", size: 10)),
                .file(.init(path: "\(root)/dir/b.txt", size: 10)),
                .file(.init(path: "\(root)/dir/sub/c.txt", size: 10)),
                // Not there: still parsed, so that its error says why.
                .file(.init(path: "\(root)/missing.txt", size: 0)),
                .file(.init(path: "-", size: 0)),
            ])
    }

    @Test func aNameIsLookedAtOnlyWhenTheBatchReachesIt() throws {
        let temporary = try TemporaryDirectory()
        try write(["first.txt"], under: temporary.url)
        var inputs = BatchInputs()
        inputs.add(temporary.path("first.txt"))
        inputs.add(temporary.path("later"))
        var entries = inputs.makeIterator()
        #expect(entries.next() == .file(.init(path: temporary.path("first.txt"), size: 10)))
        // Made after the first file was taken, and still found: the directory is listed when reached.
        try write(["later/x.txt"], under: temporary.url, bytes: 3)
        #expect(entries.next() == .file(.init(path: temporary.path("later/x.txt"), size: 3)))
        #expect(entries.next() == nil)
    }
}
