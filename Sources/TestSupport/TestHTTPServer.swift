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

    /// Starts the server on `address` (a loopback address: `127.0.0.2` is another host to the daemon) and
    /// waits (generously) for it to listen.
    public init(address: String = "127.0.0.1") throws {
        directory = try TemporaryDirectory()
        documentRoot = directory.url.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: documentRoot, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.script.path, documentRoot.path, address,
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
        baseURL = "http://\(address.contains(":") ? "[\(address)]" : address):\(port)"
    }

    /// `Tests/Servers/fault_server.py`.
    public static var script: URL {
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root.deleteLastPathComponent()
        }
        return root.appendingPathComponent("Tests/Servers/fault_server.py")
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

    /// The requests received so far: `GET PATH IF-NONE-MATCH IF-MODIFIED-SINCE SECONDS` (`-` where absent;
    /// `SECONDS` on a monotonic clock).
    public var requests: [String] { Self.requests(loggedIn: directory.url) }

    /// The requests a server logged in `directory` (beside its document root).
    public static func requests(loggedIn directory: URL) -> [String] {
        let log = directory.appendingPathComponent("requests.log")
        return ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The paths of requests that carried an `Authorization` or `Cookie` header.
    public var pathsWithCredentials: [String] {
        let log = directory.url.appendingPathComponent("credentials.log")
        return ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The paths asked for, in order, without `/robots.txt` unless `robots`.
    public func paths(robots: Bool = false) -> [String] {
        requests.map { String($0.split(separator: " ")[1]) }.filter { robots || $0 != "/robots.txt" }
    }

    /// When each request for `path` arrived, in seconds on a monotonic clock.
    public func arrivals(of path: String) -> [Double] {
        requests.filter { $0.split(separator: " ")[1] == path }.compactMap { Double($0.split(separator: " ").last!) }
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
