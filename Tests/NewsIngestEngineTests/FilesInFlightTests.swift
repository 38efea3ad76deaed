import Testing

@testable import NewsIngestEngine

/// Which file versions, and which files, are in flight.
@Suite struct FilesInFlightTests {
    static func version(inode: UInt64, modified: Int64, device: UInt64 = 1) -> FileIdentity {
        FileIdentity(device: device, inode: inode, size: 100, modifiedNanoseconds: modified)
    }

    @Test func aVersionIsInFlightUntilRemovedAndAnotherVersionOfItsFileIsToldApart() {
        var files = FilesInFlight()
        let submitted = Self.version(inode: 7, modified: 2_000)
        #expect(files.status(of: submitted) == .none)
        let inserted = files.insert(submitted)
        let insertedAgain = files.insert(submitted)
        #expect(inserted && !insertedAgain)
        #expect(files.status(of: submitted) == .thisVersion)
        // Its time set back after its close, as an archive's extraction does.
        #expect(files.status(of: Self.version(inode: 7, modified: 1_000)) == .anotherVersion)
        // The same inode on another device, and another inode, are other files.
        #expect(files.status(of: Self.version(inode: 7, modified: 1_000, device: 2)) == .none)
        #expect(files.status(of: Self.version(inode: 8, modified: 2_000)) == .none)
        files.remove(submitted)
        #expect(files.status(of: submitted) == .none)
        #expect(files.status(of: Self.version(inode: 7, modified: 1_000)) == .none)
    }

    @Test func aFileStaysInFlightWhileAnyOfItsVersionsIs() {
        var files = FilesInFlight()
        let first = Self.version(inode: 7, modified: 1_000)
        let second = Self.version(inode: 7, modified: 2_000)
        let inserted = (files.insert(first), files.insert(second))
        #expect(inserted == (true, true))
        files.remove(first)
        files.remove(first)  // removing it twice takes nothing of the other's count
        #expect(files.status(of: first) == .anotherVersion)
        files.remove(second)
        #expect(files.status(of: first) == .none)
    }
}
