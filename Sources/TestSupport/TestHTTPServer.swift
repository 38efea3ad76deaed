import Foundation

/// A real HTTP server on 127.0.0.1 for URL tests: `Tests/Servers/fault_server.py` (Python's `http.server`)
/// serving a temporary document root, with routes that fail on purpose (`/status/N`, `/flaky/N/FILE`,
/// `/busy/SECONDS/FILE`, `/reset/N/FILE`, `/stall`, `/trickle`, `/big/BYTES`, `/bomb`, `/loop`, `/to-file`,
/// `/redirect/FILE`, `/charset/NAME/FILE`). Stopped when released.
public final class TestHTTPServer: @unchecked Sendable {
    /// Files placed here are served at `/NAME`.
    public let documentRoot: URL
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    private let process: Process
    private let directory: TemporaryDirectory

    /// Starts the server and waits (generously) for it to listen.
    public init() throws {
        directory = try TemporaryDirectory()
        documentRoot = directory.url.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: documentRoot, withIntermediateDirectories: true)
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root.deleteLastPathComponent()
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", root.appendingPathComponent("Tests/Servers/fault_server.py").path, documentRoot.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The first line is "PORT <n>".
        var line = Data()
        let handle = output.fileHandleForReading
        while !line.contains(0x0A), let byte = try handle.read(upToCount: 1), !byte.isEmpty { line += byte }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("PORT "),
            let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            kill(process.processIdentifier, SIGKILL)
            throw ServerFailedToStart(output: String(decoding: line, as: UTF8.self))
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    /// Serves `bytes` at `/name` (replacing what was there).
    public func serve(_ name: String, _ bytes: [UInt8]) throws {
        try Self.place(bytes, at: name, under: documentRoot)
    }

    /// Writes `bytes` to `name` below a document root, creating its directories.
    static func place(_ bytes: [UInt8], at name: String, under root: URL) throws {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// `baseURL` + `path`.
    public func url(_ path: String) -> String { baseURL + (path.hasPrefix("/") ? path : "/" + path) }

    /// The requests received so far: `GET PATH IF-NONE-MATCH IF-MODIFIED-SINCE` (`-` where absent).
    public var requests: [String] {
        let log = directory.url.appendingPathComponent("requests.log")
        return ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    deinit {
        // SIGKILL: a test runner may start children with SIGTERM ignored.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    struct ServerFailedToStart: Error, CustomStringConvertible {
        var output: String
        var description: String { "the test HTTP server did not start: \(output)" }
    }
}
