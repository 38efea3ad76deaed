import Testing

@testable import NewsIngestEngine

/// The watches' bookkeeping as directories are renamed, moved away and deleted.
@Suite struct WatchTableTests {
    static func directory(_ path: String, inode: UInt64, root: Int = 0) -> WatchTable.Directory {
        WatchTable.Directory(path: path, root: root, device: 1, inode: inode)
    }

    /// `in`, `in/a`, `in/a/b`, `in/c` on watches 1 to 4.
    static func tree() -> WatchTable {
        var table = WatchTable()
        for (watch, path) in [(1, "in"), (2, "in/a"), (3, "in/a/b"), (4, "in/c")] {
            #expect(table.add(Int32(watch), directory(path, inode: UInt64(watch) * 10)).isEmpty)
        }
        return table
    }

    @Test func watchesAreFoundByDescriptorAndByPath() {
        let table = Self.tree()
        #expect(table.count == 4)
        #expect(table.watch(at: "in/a/b") == 3)
        #expect(table[3] == Self.directory("in/a/b", inode: 30))
        #expect(table.watch(at: "in/b") == nil)
        #expect(table[9] == nil)
    }

    /// inotify gives a directory renamed within the tree the watch it had: the directories below it keep
    /// theirs, and their paths follow.
    @Test func aRenamedDirectoryTakesItsSubdirectoriesAlong() {
        var table = Self.tree()
        #expect(table.add(2, Self.directory("in/c/z", inode: 20)).isEmpty)
        #expect(table.watch(at: "in/a") == nil)
        #expect(table.watch(at: "in/a/b") == nil)
        #expect(table.watch(at: "in/c/z") == 2)
        #expect(table[3] == Self.directory("in/c/z/b", inode: 30))
        #expect(table.count == 4)
        // Now below `in/c`: removing that removes them; `in` keeps its watch.
        #expect(Set(table.removeTree(4)) == [4, 2, 3])
        #expect(table.count == 1)
        #expect(table.watch(at: "in") == 1)
    }

    @Test func aDirectoryMovedIntoAnotherTreeTakesThatTreesRoot() {
        var table = Self.tree()
        #expect(table.add(5, Self.directory("other", inode: 50, root: 1)).isEmpty)
        #expect(table.add(2, Self.directory("other/a", inode: 20, root: 1)).isEmpty)
        #expect(table[3] == Self.directory("other/a/b", inode: 30, root: 1))
        #expect(Set(table.removeTree(5)) == [5, 2, 3])
    }

    @Test func removingADirectoryRemovesWhatIsBelowItAndFreesTheirPaths() {
        var table = Self.tree()
        #expect(table.removeTree(2) == [2, 3])
        #expect(table.removeTree(2).isEmpty)
        #expect(table.removeTree(3).isEmpty)
        #expect(table.watch(at: "in/a") == nil && table.watch(at: "in/a/b") == nil)
        // A directory made under the old name is a new watch.
        #expect(table.add(6, Self.directory("in/a", inode: 60)).isEmpty)
        #expect(table.watch(at: "in/a") == 6)
        // A subdirectory deleted on its own leaves its parent.
        #expect(table.removeTree(4) == [4])
        #expect(Set(table.removeTree(1)) == [1, 6])
        #expect(table.count == 0)
    }

    /// A directory watched at a path another watch still holds (the old directory went, and its event is yet
    /// to come): the old watch, and those below it, are dropped for inotify to remove.
    @Test func aWatchAtAPathAnotherHoldsDropsTheOtherAndWhatIsBelowIt() {
        var table = Self.tree()
        #expect(Set(table.add(7, Self.directory("in/a", inode: 70))) == [2, 3])
        #expect(table.watch(at: "in/a") == 7)
        #expect(table.watch(at: "in/a/b") == nil)
        #expect(table[2] == nil && table[3] == nil)
        #expect(table.count == 3)
        // Renamed to a name below which a stale watch holds a path: that watch is dropped.
        #expect(table.add(8, Self.directory("in/a/b", inode: 80)).isEmpty)
        #expect(table.add(10, Self.directory("in/x/b", inode: 100)).isEmpty)
        #expect(table.add(7, Self.directory("in/x", inode: 70)) == [10])
        #expect(table[8] == Self.directory("in/x/b", inode: 80))
        #expect(table.watch(at: "in/x/b") == 8)
        #expect(table[10] == nil)
    }

    @Test func parentPaths() {
        #expect(WatchTable.parentPath(of: "/srv/in/a") == "/srv/in")
        #expect(WatchTable.parentPath(of: "in/a") == "in")
        #expect(WatchTable.parentPath(of: "in") == "in")
    }
}
