import Foundation

/// A `newsingest run` started in the background for a test, with its standard error captured to a file.
public final class DaemonProcess: @unchecked Sendable {
    private let process = Process()
    /// Where its log (standard error) goes.
    public let logURL: URL

    /// Starts the binary with `arguments`, with `environment` added to the test's own; its standard output goes
    /// to `standardOutput` when given (for `--output -`), else nowhere; its standard error to `standardError`
    /// when given (then ``log`` stays empty), else to the log file.
    public init(
        binary: URL, arguments: [String], in directory: URL, environment: [String: String] = [:],
        standardOutput: Pipe? = nil, standardError: FileHandle? = nil
    ) throws {
        logURL = directory.appendingPathComponent("daemon-\(UUID().uuidString).log")
        try Data().write(to: logURL)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = standardOutput ?? FileHandle.nullDevice
        process.standardError = standardError ?? log
        try process.run()
    }

    /// The log so far.
    public var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// The process id, for signals.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// True while the process runs.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` and waits (at most `seconds`) for the process to end.
    /// - Returns: the exit status, or `128 + signal` when a signal ended it; `nil` when it did not end in time.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, within seconds: Double = 60) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        guard Wait.until(seconds: seconds, { !self.process.isRunning }) else { return nil }
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Waiting on events with a generous limit rather than sleeping a fixed time.
public enum Wait {
    /// Polls `condition` every 20 ms until it holds or `seconds` pass.
    /// - Returns: whether it held in time.
    public static func until(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
