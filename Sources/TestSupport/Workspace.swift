import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A working directory with `in/`, and the daemon's output, errors and state under `out/`.
public struct Workspace {
    public let temporary: TemporaryDirectory
    public var input: URL { temporary.url.appendingPathComponent("in") }
    public var output: URL { temporary.url.appendingPathComponent("out/articles.jsonl") }
    public var errors: URL { temporary.url.appendingPathComponent("out/errors.jsonl") }

    public init() throws {
        temporary = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
    }

    /// Added to ``arguments`` (a `--config`, say).
    public var extraArguments: [String] = []

    /// Writes a configuration watching `in/` recursively with `after` and `dedupe`, and returns the
    /// arguments of a daemon run on it, logging at debug level (where the periodic rescans show).
    public mutating func argumentsWatchingRecursively(after: String, dedupe: String) throws -> [String] {
        let configuration = temporary.path("\(after)-\(dedupe).toml")
        try Data(
            ("[[source.directory]]\npath = \"\(input.path)\"\nrecursive = true\nafter = \"\(after)\"\n"
                + "[output]\ndedupe = \"\(dedupe)\"\n").utf8
        ).write(to: URL(fileURLWithPath: configuration))
        extraArguments = ["--config", configuration, "--log-level", "debug"]
        return arguments.filter { $0 != "--watch" && $0 != input.path }
    }

    public var arguments: [String] {
        [
            "run", "--watch", input.path, "--output", output.path, "--errors", errors.path,
            "--state-dir", temporary.path("out/state"), "--settle", "0.2", "--rescan-interval", "1",
        ] + extraArguments
    }

    public func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: input.appendingPathComponent(name))
    }

    /// Writes `bytes` into the input directory under a name in a legacy code page (`é` as the byte E9).
    public func writeLegacyNamed(_ name: [UInt8], _ bytes: [UInt8]) throws {
        let path = Array(input.path.utf8) + [0x2F] + name + [0]
        let file = path.withUnsafeBufferPointer { path in
            path.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        guard file >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(file) }
        let written = bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The output's records (complete lines only).
    public func records() -> [[String: Any]] { Self.objects(in: output) }

    /// The error log's records (complete lines only).
    public func errorRecords() -> [[String: Any]] { Self.objects(in: errors) }

    public static func objects(in url: URL) -> [[String: Any]] {
        lines(of: url).compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    public static func lines(of url: URL) -> [Data] {
        guard let data = try? Data(contentsOf: url) else { return [] }
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) }
    }
}

extension Workspace {
    /// Starts `newsingest run` on this workspace (with `extra` arguments) from `runner`'s binary.
    public func start(_ runner: BinaryRunner, extra: [String] = []) throws -> DaemonProcess {
        try DaemonProcess(binary: runner.binary, arguments: arguments + extra, in: temporary.url)
    }
}

/// A suite whose tests start the real binary on workspaces: `start(workspace)` runs `newsingest run` from
/// the suite's ``runner``.
public protocol DaemonSuite {
    var runner: BinaryRunner { get }
}

extension DaemonSuite {
    /// Starts `newsingest run` on `workspace` (with `extra` arguments).
    public func start(_ workspace: Workspace, extra: [String] = []) throws -> DaemonProcess {
        try workspace.start(runner, extra: extra)
    }
}
