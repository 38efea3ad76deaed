import NewsIngestSystem

/// The files a batch parse (`newsingest parse`) takes, in the order they are given: names from the command
/// line, from a list (`--files-from`, one a line or NUL-separated), and the files under directories (walked
/// recursively in name order with the daemon's rules: `include`/`exclude` globs on the name, hidden files and
/// directories, `*.tmp`, `*.part` and `*.swp` skipped; symbolic links to files taken, to directories not).
///
/// Each file's size is read as it is added, for the totals progress shows. Adding is linear in the names.
public struct BatchInputs: Sendable {
    /// One file to parse: its path (`-` for standard input) and its size when it was listed (0 when unknown).
    public struct Item: Sendable, Equatable {
        public var path: String
        public var size: Int64
    }

    /// The files, in order.
    public private(set) var items: [Item] = []
    /// Names that could not be taken (not UTF-8, a directory that cannot be listed), with the reason: reported
    /// as errors, the others parsed all the same.
    public private(set) var problems: [(name: String, reason: String)] = []
    private let filter: FileNameFilter

    /// Inputs whose directories take the names matching one of `include` and none of `exclude`.
    public init(include: [String] = ["*.txt"], exclude: [String] = []) {
        var settings = DirectorySettings(path: ".")
        settings.include = include
        settings.exclude = exclude
        filter = FileNameFilter(settings)
    }

    /// Total bytes of the files, as listed.
    public var totalBytes: Int64 { items.reduce(0) { $0 + $1.size } }

    /// Adds a name given on the command line: `-` (standard input), a file, or a directory to walk.
    public mutating func add(_ name: String) {
        guard name != "-" else { return items.append(Item(path: "-", size: 0)) }
        let status = try? FileStatus(path: name)
        if status?.isDirectory == true { return walk(name) }
        items.append(Item(path: name, size: status.map { Int64($0.size) } ?? 0))
    }

    /// Adds the names of a list, separated by `separator` (`\n`, or `\0` for `find -print0`); empty names
    /// are skipped, and with `\n` a `\r` before it is dropped. A name that is not UTF-8 is a problem.
    public mutating func add(list bytes: [UInt8], separator: UInt8) {
        for var name in bytes.split(separator: separator, omittingEmptySubsequences: true) {
            if separator == 0x0A, name.last == 0x0D { name = name.dropLast() }
            guard !name.isEmpty else { continue }
            guard let text = FileNameBytes.text(name) else {
                problems.append((FileNameBytes.escaped(name), "the name is not UTF-8"))
                continue
            }
            add(text)
        }
    }

    /// Adds the files under `directory`, depth first, each directory's entries in name order.
    private mutating func walk(_ directory: String) {
        var pending = [directory]
        while let current = pending.popLast() {
            let entries: DirectoryEntries
            do {
                entries = try DirectoryEntries(path: current)
            } catch {
                problems.append((current, "\(error)"))
                continue
            }
            var files: [Item] = []
            var subdirectories: [String] = []
            while let entry = entries.next() {
                if entry.name == "." || entry.name == ".." { continue }
                let path = current.hasSuffix("/") ? current + entry.name : current + "/" + entry.name
                if let bytes = entry.undecodableName {
                    problems.append((current + "/" + FileNameBytes.escaped(bytes), "the name is not UTF-8"))
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
                    files.append(Item(path: path, size: size))
                default:
                    continue
                }
            }
            items += files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            // Walked in name order: pushed last first.
            pending += subdirectories.sorted { $1.utf8.lexicographicallyPrecedes($0.utf8) }
        }
    }
}
