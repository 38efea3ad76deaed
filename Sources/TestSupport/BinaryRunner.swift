import Foundation

/// Runs the real `newsingest` binary the way a user would, for integration tests.
///
/// Standard input, output and error go through temporary files rather than pipes, so a child that writes a lot
/// before it has read all its input cannot deadlock against the test; a run that outlives its time limit is
/// killed and reported rather than hanging the suite.
public struct BinaryRunner: Sendable {
    /// What one run of the binary did.
    public struct Result: Sendable {
        /// The exit status, or `128 + signal` when the process was killed.
        public var status: Int32
        /// Everything written to standard output.
        public var output: Data
        /// Everything written to standard error, as text.
        public var error: String
    }

    /// A run that did not end within its limit.
    public struct TimedOut: Error, CustomStringConvertible {
        public var arguments: [String]
        public var seconds: Double
        public var description: String {
            "newsingest \(arguments.joined(separator: " ")) still running after \(seconds) s"
        }
    }

    /// The binary under test: `$NEWSINGEST_BINARY`, else `newsingest` beside the test bundle.
    public let binary: URL

    /// Creates a runner for the binary built beside the running test bundle (or `$NEWSINGEST_BINARY`).
    public init() {
        if let path = ProcessInfo.processInfo.environment["NEWSINGEST_BINARY"] {
            binary = URL(fileURLWithPath: path)
        } else {
            binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("newsingest")
        }
    }

    /// Runs the binary to completion.
    /// - Parameters:
    ///   - arguments: the command line after the program name.
    ///   - input: bytes given on standard input.
    ///   - timeLimit: seconds after which the process is killed and ``TimedOut`` thrown; generous by default,
    ///     since shared machines are slow at times.
    public func run(_ arguments: [String], input: Data = Data(), timeLimit: Double = 120) throws -> Result {
        let directory = try TemporaryDirectory()
        let inputURL = directory.url.appendingPathComponent("stdin")
        let outputURL = directory.url.appendingPathComponent("stdout")
        let errorURL = directory.url.appendingPathComponent("stderr")
        try input.write(to: inputURL)
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        let standardInput = try FileHandle(forReadingFrom: inputURL)
        let standardOutput = try FileHandle(forWritingTo: outputURL)
        let standardError = try FileHandle(forWritingTo: errorURL)
        defer {
            try? standardInput.close()
            try? standardOutput.close()
            try? standardError.close()
        }

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
        guard Wait.until(seconds: timeLimit, { !process.isRunning }) else {
            process.terminate()
            process.waitUntilExit()
            throw TimedOut(arguments: arguments, seconds: timeLimit)
        }
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Result(
            status: status,
            output: try Data(contentsOf: outputURL),
            error: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
        )
    }
}
