/// Building the document: the tables headers open, and the values keys set, changed in place.
extension TOMLParser.Scanner {
    /// One step of the current table's path: a key, and for arrays of tables the element index.
    struct PathStep {
        var key: String
        var element: Int?
    }

    /// Creates (or finds) the table named by a header and returns its path.
    mutating func open(_ names: [String], isArray: Bool, in root: inout TOMLTable, line: Int) throws(TOMLError)
        -> [PathStep]
    {
        var path: [PathStep] = []
        for (position, name) in names.enumerated() {
            let isLast = position == names.count - 1
            var step = PathStep(key: name, element: nil)
            // What is there already, as a summary: a reference to the value itself, held while the tables
            // change, would make the change copy it.
            let existing = Self.lookup(path, in: root)?[name].map { value -> (typeName: String, count: Int) in
                if case .array(let values) = value { return ("array", values.count) }
                return (value.typeName, 0)
            }
            if isLast && isArray {
                let key = Self.arrayKey(path, name)
                guard existing == nil || arraysOfTables.contains(key) else {
                    throw TOMLError(
                        line: line, reason: "'\(names.joined(separator: "."))' is not an array of tables")
                }
                arraysOfTables.insert(key)
                var count = 0
                try Self.update(path, in: &root, line: line) { (table: inout TOMLTable) throws(TOMLError) in
                    guard table[name] != nil else {
                        table.set(name, .array([.table(TOMLTable())]), line: line)
                        count = 1
                        return
                    }
                    try table.modify(name, line: line) { value in
                        guard var elements = value.takeArray() else { return }
                        elements.append(.table(TOMLTable()))
                        count = elements.count
                        value = .array(elements)
                    }
                }
                step.element = count - 1
            } else {
                switch existing {
                case nil:
                    try Self.update(path, in: &root, line: line) { $0.set(name, .table(TOMLTable()), line: line) }
                case ("table", _)?:
                    break
                case ("array", let count)? where !isLast && count > 0:
                    step.element = count - 1  // [[a]] then [a.b]: b goes in the last a
                case let (typeName, _)?:
                    throw TOMLError(line: line, reason: "'\(name)' is already a \(typeName), not a table")
                }
            }
            path.append(step)
        }
        return path
    }

    /// The array of tables `name` under `path`, as ``arraysOfTables`` holds it: the keys, each with the
    /// element it goes through.
    static func arrayKey(_ path: [PathStep], _ name: String) -> String {
        var key = ""
        for step in path { key += step.key + (step.element.map { "\u{1}\($0)" } ?? "") + "\u{0}" }
        return key + name
    }

    static func lookup(_ path: [PathStep], in root: TOMLTable) -> TOMLTable? {
        var table = root
        for step in path {
            switch table[step.key] {
            case .table(let next): table = next
            case .array(let values):
                guard let element = step.element, case .table(let next) = values[element] else { return nil }
                table = next
            default: return nil
            }
        }
        return table
    }

    /// Applies `change` to the table at `path`, in place: no table or array on the way is copied.
    static func update(
        _ path: some Collection<PathStep>,
        in table: inout TOMLTable,
        line: Int,
        _ change: (inout TOMLTable) throws(TOMLError) -> Void
    ) throws(TOMLError) {
        guard let step = path.first else { return try change(&table) }
        guard table[step.key] != nil else { throw TOMLError(line: line, reason: "'\(step.key)' is not a table") }
        try table.modify(step.key) { (value: inout TOMLValue) throws(TOMLError) in
            if var child = value.takeTable() {
                try update(path.dropFirst(), in: &child, line: line, change)
                value = .table(child)
                return
            }
            guard let element = step.element, var values = value.takeArray() else {
                throw TOMLError(line: line, reason: "'\(step.key)' is not a table")
            }
            guard values.indices.contains(element), var child = values[element].takeTable() else {
                throw TOMLError(line: line, reason: "'\(step.key)' is not a table")
            }
            try update(path.dropFirst(), in: &child, line: line, change)
            values[element] = .table(child)
            value = .array(values)
        }
    }

    static func assign(
        _ value: TOMLValue,
        to names: [String],
        under path: [PathStep],
        in root: inout TOMLTable,
        line: Int
    ) throws(TOMLError) {
        let tablePath = path + names.dropLast().map { PathStep(key: $0, element: nil) }
        // Dotted keys create intermediate tables.
        for depth in 0..<(names.count - 1) {
            let prefix = path + names[..<depth].map { PathStep(key: $0, element: nil) }
            let name = names[depth]
            if lookup(prefix, in: root)?[name] == nil {
                try update(prefix, in: &root, line: line) { $0.set(name, .table(TOMLTable()), line: line) }
            }
        }
        let key = names.last!
        try update(tablePath, in: &root, line: line) { (table: inout TOMLTable) throws(TOMLError) in
            guard table[key] == nil else { throw TOMLError(line: line, reason: "key '\(key)' is defined twice") }
            table.set(key, value, line: line)
        }
    }
}
