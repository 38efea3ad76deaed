import Foundation
import TestSupport
import Testing

@testable import NewsIngestSystem

/// A file's status by `statx` on its descriptor and by `stat` of its path.
@Suite struct FileStatusTests {
    /// Both say the same of the file (the state compares identities taken either way), and `statx` adds the
    /// birth time where the file system keeps one.
    @Test func statxOfADescriptorSaysWhatStatOfThePathSays() throws {
        let temporary = try TemporaryDirectory()
        let path = temporary.path("article.txt")
        try Data("TPO - Một bài.\n".utf8).write(to: URL(fileURLWithPath: path))
        let byPath = try FileStatus(path: path)
        var byDescriptor = try FileDescriptor(openingForReading: path).status()
        #expect(byPath.bornNanoseconds == nil)
        if let born = byDescriptor.bornNanoseconds {
            #expect(born > 0 && born <= byDescriptor.changedNanoseconds)
        }
        byDescriptor.bornNanoseconds = nil
        #expect(byDescriptor == byPath)
        #expect(
            byDescriptor.isRegularFile && !byDescriptor.isDirectory
                && byDescriptor.size == "TPO - Một bài.\n".utf8.count)
        let directory = try FileDescriptor(openingForReading: temporary.url.path).status()
        #expect(directory.isDirectory && !directory.isRegularFile)
    }

    /// A file renamed or `chmod`ed keeps its birth time; another file made on the inode of a deleted one gets
    /// its own.
    @Test func aFileKeepsItsBirthTimeAndANewFileOnAFreedInodeHasItsOwn() throws {
        let temporary = try TemporaryDirectory()
        let first = temporary.path("first.txt")
        try Data("one".utf8).write(to: URL(fileURLWithPath: first))
        let born = try FileDescriptor(openingForReading: first).status()
        guard let birth = born.bornNanoseconds else { return }  // a file system that keeps no birth time
        let renamed = temporary.path("renamed.txt")
        #expect(rename(first, renamed) == 0)
        #expect(chmod(renamed, 0o600) == 0)
        #expect(try FileDescriptor(openingForReading: renamed).status().bornNanoseconds == birth)
        // Made later, on whatever inode: born later.
        usleep(10_000)
        #expect(unlink(renamed) == 0)
        let second = temporary.path("second.txt")
        try Data("two".utf8).write(to: URL(fileURLWithPath: second))
        let secondBirth = try #require(try FileDescriptor(openingForReading: second).status().bornNanoseconds)
        #expect(secondBirth > birth)
    }
}
