import NewsIngestEngine

/// What must hold for any configuration file, however malformed: reading it gives settings or a
/// ``ConfigurationError`` that says where (the file, a line within it) and why; never a crash or a hang.
enum ConfigurationInvariants {
    /// The name the fuzzed text is read under.
    static let source = "fuzz.toml"

    /// Why `bytes` break the invariants, or `nil` when they keep them. Bytes that are not UTF-8 are refused
    /// before parsing (by the loader, naming the line), so they keep them trivially.
    static func violation(for bytes: [UInt8]) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let first: ConfigurationError
        do {
            _ = try Configuration.parse(text, source: source, cores: 2)
            return nil
        } catch {
            first = error
        }
        guard first.description.hasPrefix(source), !first.reason.isEmpty else {
            return "an error that does not say where or why: \(first)"
        }
        let lines = bytes.count { $0 == 0x0A } + 1
        if let line = first.line, !(1...lines).contains(line) {
            return "line \(line) named in a text of \(lines) lines: \(first)"
        }
        do {
            _ = try Configuration.parse(text, source: source, cores: 2)
            return "the same text parsed the second time after failing the first: \(first)"
        } catch {
            return error == first ? nil : "the same text failed differently twice: \(first) / \(error)"
        }
    }
}
