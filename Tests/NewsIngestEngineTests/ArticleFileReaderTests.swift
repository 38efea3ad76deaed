import Dispatch
import Foundation
import NewsIngestSystem
import Synchronization
import TestSupport
import Testing

@testable import NewsIngestEngine

/// Reading an article file: what is not a regular file is refused, at once.
@Suite struct ArticleFileReaderTests {
    /// A FIFO with no writer, at the path of a file (a scan found a regular file there, which was replaced
    /// since): the reader says it is not a regular file instead of waiting in `open` for a writer that never
    /// comes, which would hold one of the pipeline's workers for ever.
    @Test func aFIFOWithNoWriterIsRefusedAtOnce() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("article.txt")
        #expect(mkfifo(path, 0o644) == 0)
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Int, any Error>?>(nil)
        DispatchQueue.global().async { @Sendable in
            let result = Result { try ArticleFileReader.readFile(path, limit: 1 << 20).bytes.count }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        let returned = finished.wait(timeout: .now() + .seconds(30)) == .success
        #expect(returned, "the reader waited for a writer")
        if !returned {
            // Let the blocked `open` return, so that the test ends.
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            finished.wait()
            if writer >= 0 { close(writer) }
        }
        let result = try #require(outcome.withLock { $0 })
        #expect(throws: NotARegularFileError.self) { try result.get() }
    }

    @Test func aRegularFileIsReadWhole() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("article.txt")
        let bytes = Array("Tiêu đề\n\nMột đoạn văn.\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try ArticleFileReader.readFile(path, limit: 1 << 20)
        #expect(file.bytes == bytes)
        #expect(file.source.size == bytes.count)
        #expect(file.status.isRegularFile)
    }
}
