import Foundation

/// Runs a program other than `newsingest` for a test (`systemd-analyze`, a Python validator), with standard
/// output and error together.
public enum ExternalTool {
    /// Runs `program` with `arguments` and waits for it.
    /// - Returns: its exit status and everything it printed.
    public static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
