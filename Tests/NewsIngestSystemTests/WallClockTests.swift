import Foundation
import NewsIngestSystem
import Testing

@Suite struct WallClockTests {
    /// A file changed after the clock was read has a change time at least as large: the kernel stamps file
    /// times from its coarse clock, which the fine clock runs ahead of by up to a tick.
    @Test func aFileChangedAfterTheClockWasReadIsNotOlderThanIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wallclock-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("target").path
        #expect(FileManager.default.createFile(atPath: target, contents: Data("x".utf8)))
        var older = 0
        for index in 0..<500 {
            let before = WallClock.nowNanosecondsAsFileTimes()
            let name = directory.appendingPathComponent("link-\(index)").path
            #expect(link(target, name) == 0)
            if try FileStatus(path: name).changedNanoseconds < before { older += 1 }
        }
        #expect(older == 0)
    }
}
