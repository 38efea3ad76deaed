import NewsIngestSystem

/// The files a batch parse (`newsingest parse`) takes, in the order they are given: names from the command
/// line, from a list (`--files-from`, one a line or NUL-separated), and the files under directories (walked
/// recursively in name order with the daemon's rules: `include`/`exclude` globs on the name, hidden files and
/// directories, `*.tmp`, `*.part` and `*.swp` skipped; symbolic links to files taken, to directories not).
///
/// A sequence read as the batch goes: a name is looked at (`stat`, for its size and whether it is a
/// directory) and a directory listed only when the batch reaches it, so the first files are parsed while the
/// rest are still being listed, and a list of a million names is never a million paths at once. Iterating
/// is linear in the names.
public struct BatchInputs: Sequence, Sendable {
    /// One file to parse: its path (`-` for standard input) and its size when it was listed (0 when unknown).
    public struct Item: Sendable, Equatable {
        public var path: String
        public var size: Int64
    }

    /// What the batch takes next: a file, or a name that cannot be taken (not UTF-8, a directory that cannot
    /// be listed) with the reason, reported as an error in its place.
    public enum Entry: Sendable, Equatable {
        case file(Item)
        case problem(name: String, reason: String)
    }

    fileprivate enum Operand: Sendable {
        case name(String)
        case list([UInt8], separator: UInt8)
    }

    private var operands: [Operand] = []
    private let filter: FileNameFilter

    /// Inputs whose directories take the names matching one of `include` and none of `exclude`.
    public init(include: [String] = ["*.txt"], exclude: [String] = []) {
        var settings = DirectorySettings(path: ".")
        settings.include = include
        settings.exclude = exclude
        filter = FileNameFilter(settings)
    }

    /// Adds a name given on the command line: `-` (standard input), a file, or a directory to walk.
    public mutating func add(_ name: String) { operands.append(.name(name)) }

    /// Adds the names of a list, separated by `separator` (`\n`, or `\0` for `find -print0`); empty names
    /// are skipped, and with `\n` a `\r` before it is dropped. A name that is not UTF-8 is a problem.
    public mutating func add(list bytes: [UInt8], separator: UInt8) {
        operands.append(.list(bytes, separator: separator))
    }

    public func makeIterator() -> Iterator { Iterator(operands: operands, filter: filter) }

    /// Goes through the operands in order, one name, list entry or directory entry at a time.
    public struct Iterator: IteratorProtocol {
        private var operands: IndexingIterator<[Operand]>
        private let filter: FileNameFilter
        /// The list being read and where its next name starts.
        private var list: (bytes: [UInt8], separator: UInt8, offset: Int)?
        private var walk = DirectoryWalk()

        fileprivate init(operands: [Operand], filter: FileNameFilter) {
            self.operands = operands.makeIterator()
            self.filter = filter
        }

        public mutating func next() -> Entry? {
            while true {
                if let entry = walk.next(filter) { return entry }
                if let bytes = nextListedName() {
                    guard let name = FileNameBytes.text(bytes) else {
                        return .problem(name: FileNameBytes.escaped(bytes), reason: "the name is not UTF-8")
                    }
                    if let entry = take(name) { return entry }
                    continue
                }
                switch operands.next() {
                case .name(let name):
                    if let entry = take(name) { return entry }
                case .list(let bytes, let separator):
                    list = (bytes, separator, 0)
                case nil:
                    return nil
                }
            }
        }

        /// The next non-empty name of the list being read, if any.
        private mutating func nextListedName() -> ArraySlice<UInt8>? {
            while let (bytes, separator, offset) = list {
                guard offset < bytes.count else {
                    list = nil
                    return nil
                }
                let end = bytes[offset...].firstIndex(of: separator) ?? bytes.count
                list!.offset = end + 1
                var name = bytes[offset..<end]
                if separator == 0x0A, name.last == 0x0D { name = name.dropLast() }
                if !name.isEmpty { return name }
            }
            return nil
        }

        /// The entry for a name given (on the command line or in a list): the file, or `nil` when it is a
        /// directory (then walked).
        private mutating func take(_ name: String) -> Entry? {
            guard name != "-" else { return .file(Item(path: "-", size: 0)) }
            let status = try? FileStatus(path: name)
            if status?.isDirectory == true {
                walk.start(name)
                return nil
            }
            return .file(Item(path: name, size: status.map { Int64($0.size) } ?? 0))
        }
    }
}

/// The files under a directory, depth first, each directory's entries in name order: one directory listed
/// at a time, when the files listed before are taken.
private struct DirectoryWalk {
    /// Entries of the directory listed last, not yet taken.
    private var ready: [BatchInputs.Entry] = []
    private var readyIndex = 0
    /// Directories to list, the next last.
    private var pending: [String] = []

    mutating func start(_ directory: String) { pending.append(directory) }

    mutating func next(_ filter: FileNameFilter) -> BatchInputs.Entry? {
        while readyIndex == ready.count {
            guard let directory = pending.popLast() else { return nil }
            list(directory, filter)
        }
        defer { readyIndex += 1 }
        return ready[readyIndex]
    }

    /// Lists `directory`: its files (and problems) become ready, its subdirectories pending.
    private mutating func list(_ directory: String, _ filter: FileNameFilter) {
        ready.removeAll(keepingCapacity: true)
        readyIndex = 0
        let entries: DirectoryEntries
        do {
            entries = try DirectoryEntries(path: directory)
        } catch {
            ready.append(.problem(name: directory, reason: "\(error)"))
            return
        }
        var files: [BatchInputs.Item] = []
        var subdirectories: [String] = []
        while let entry = entries.next() {
            if entry.name == "." || entry.name == ".." { continue }
            let path = directory.hasSuffix("/") ? directory + entry.name : directory + "/" + entry.name
            if let bytes = entry.undecodableName {
                ready.append(
                    .problem(name: directory + "/" + FileNameBytes.escaped(bytes), reason: "the name is not UTF-8"))
                continue
            }
            var kind = entry.kind
            var size: Int64 = 0
            if kind != .directory, let status = try? entries.status(ofEntryNamed: entry.name) {
                kind =
                    status.isDirectory
                    ? (entry.kind == .symbolicLink ? .symbolicLink : .directory)
                    : status.isRegularFile ? .file : .other
                size = Int64(status.size)
            }
            switch kind {
            case .directory where !entry.name.hasPrefix("."):
                subdirectories.append(path)
            case .file where filter.accepts(entry.name):
                files.append(BatchInputs.Item(path: path, size: size))
            default:
                continue
            }
        }
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        ready += files.map(BatchInputs.Entry.file)
        // Walked in name order: pushed last first.
        pending += subdirectories.sorted { $1.utf8.lexicographicallyPrecedes($0.utf8) }
    }
}
