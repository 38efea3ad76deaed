/// The directories inotify watches: each watch descriptor with the path and the directory (device and inode)
/// it watches, kept true as directories are renamed, moved away and deleted.
///
/// inotify watches an inode, not a path. A directory renamed within the watched tree keeps its watch (adding
/// a watch on its new path gives the same descriptor back), and so do the directories below it, whose paths
/// all changed; a directory moved out of the tree keeps its watch too, until it is removed. The table
/// follows both, so that a path it holds is always the path of the directory its watch is on: a directory
/// made later where a watched one used to be is watched, not taken for the old one.
struct WatchTable {
    /// A watched directory.
    struct Directory: Equatable {
        var path: String
        /// The index of the configured directory whose tree it is in.
        var root: Int
        var device: UInt64
        var inode: UInt64
    }

    private struct Entry {
        var directory: Directory
        /// The watch of the directory holding this one, when that is watched.
        var parent: Int32?
        /// The watches of the subdirectories.
        var children: Set<Int32> = []
    }

    private var entries: [Int32: Entry] = [:]
    private var watchByPath: [String: Int32] = [:]

    /// How many directories are watched.
    var count: Int { entries.count }

    /// The directory `watch` is on.
    subscript(watch: Int32) -> Directory? { entries[watch]?.directory }

    /// The watch on the directory at `path`, as last recorded.
    func watch(at path: String) -> Int32? { watchByPath[path] }

    /// Records that `watch` is on `directory`.
    ///
    /// When `watch` was recorded at another path (its directory was renamed), that path and every path below
    /// it are changed to the new place. A watch recorded at the new path or below it before is dropped: its
    /// directory is no longer there.
    /// - Returns: the watches dropped, to be removed from inotify.
    mutating func add(_ watch: Int32, _ directory: Directory) -> [Int32] {
        var dropped: [Int32] = []
        if let other = watchByPath[directory.path], other != watch { dropped = removeTree(other) }
        if let old = entries[watch]?.directory.path, old != directory.path {
            detachFromParent(watch)
            dropped += move(watch, from: old, to: directory.path, root: directory.root)
        }
        entries[watch, default: Entry(directory: directory)].directory = directory
        watchByPath[directory.path] = watch
        if entries[watch]?.parent == nil, let parent = watchByPath[Self.parentPath(of: directory.path)],
            parent != watch
        {
            entries[watch]?.parent = parent
            entries[parent]?.children.insert(watch)
        }
        return dropped
    }

    /// Forgets `watch` and the watches of the directories below its directory.
    /// - Returns: the watches forgotten (`watch` first, when it was recorded).
    mutating func removeTree(_ watch: Int32) -> [Int32] {
        guard entries[watch] != nil else { return [] }
        detachFromParent(watch)
        var removed: [Int32] = []
        var pending = [watch]
        while let next = pending.popLast() {
            guard let entry = entries.removeValue(forKey: next) else { continue }
            removed.append(next)
            if watchByPath[entry.directory.path] == next { watchByPath[entry.directory.path] = nil }
            pending += entry.children
        }
        return removed
    }

    /// Changes the path of `watch`'s subtree from `old` to `new` (and its root); drops watches recorded at
    /// the new paths of its subdirectories.
    private mutating func move(_ watch: Int32, from old: String, to new: String, root: Int) -> [Int32] {
        var dropped: [Int32] = []
        var pending = [watch]
        while let next = pending.popLast() {
            guard var entry = entries[next] else { continue }
            let path = entry.directory.path
            let moved = path == old ? new : new + path.dropFirst(old.count)
            if watchByPath[path] == next { watchByPath[path] = nil }
            if next != watch, let other = watchByPath[moved], other != next { dropped += removeTree(other) }
            entry.directory.path = moved
            entry.directory.root = root
            entries[next] = entry
            watchByPath[moved] = next
            pending += entry.children
        }
        return dropped
    }

    private mutating func detachFromParent(_ watch: Int32) {
        guard let parent = entries[watch]?.parent else { return }
        entries[parent]?.children.remove(watch)
        entries[watch]?.parent = nil
    }

    /// `/a/b` for `/a/b/c`; the path itself when it has no `/`.
    static func parentPath(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[..<slash])
    }
}
