import Foundation
import TestSupport
import Testing

@testable import NewsIngestSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Prefetching a file into the page cache: it gets there, and nothing blocks, leaks or fails loudly.
@Suite struct FileAccessTests {
    /// Pages of the file at `path` (of `size` bytes) in the page cache now (`mincore` of a mapping of it).
    func residentPages(_ path: String, size: Int) throws -> Int {
        let descriptor = try FileDescriptor(openingForReading: path)
        let mapped = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor.rawValue, 0)
        let mapping = try #require(mapped == MAP_FAILED ? nil : mapped)
        defer { munmap(mapping, size) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        var flags = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
        #expect(mincore(mapping, size, &flags) == 0)
        return flags.reduce(0) { $0 + Int($1 & 1) }
    }

    @Test func aFileDroppedFromThePageCacheIsReadBackIntoIt() throws {
        let temporary = try TemporaryDirectory()
        let path = temporary.path("article.txt")
        let size = 1 << 20
        try Data(repeating: UInt8(ascii: "a"), count: size).write(to: URL(fileURLWithPath: path))
        let file = try FileDescriptor(openingForReading: path)
        try file.synchronizeData()  // clean pages can be dropped
        // The pages are dropped (DONTNEED), then asked for again; readahead is asynchronous: polled.
        var resident = size
        for _ in 0..<50 where resident > 0 {
            _ = posix_fadvise(file.rawValue, 0, off_t(size), POSIX_FADV_DONTNEED)
            resident = try residentPages(path, size: size)
        }
        try #require(resident == 0, "the kernel kept the pages: nothing to measure")
        FileAccess.prefetch(path, length: size)
        let pages = size / Int(sysconf(Int32(_SC_PAGESIZE)))
        let deadline = Date().addingTimeInterval(30)
        while try residentPages(path, size: size) < pages, Date() < deadline { usleep(10_000) }
        #expect(try residentPages(path, size: size) == pages)
    }

    @Test func whatCannotBePrefetchedIsLeftAloneAtOnceWithoutLeakingADescriptor() throws {
        let temporary = try TemporaryDirectory()
        let fifo = temporary.path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let openBefore = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        for _ in 0..<100 {
            FileAccess.prefetch(fifo, length: 4096)  // no writer: a blocking open would wait for ever
            FileAccess.prefetch(temporary.path("missing.txt"), length: 4096)
            FileAccess.prefetch(temporary.url.path, length: 4096)  // a directory
        }
        // The FIFO and the directory open: 200 descriptors if they were kept (other tests running at the same
        // time open a few of their own).
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count < openBefore + 50)
    }
}
