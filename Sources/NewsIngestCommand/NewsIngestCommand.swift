import ArgumentParser

/// `newsingest`: turns Vietnamese news articles into normalized JSON records.
@main
struct NewsIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsingest",
        abstract: "Turn Vietnamese news articles into clean, normalized JSON records.",
        subcommands: [
            ParseCommand.self, NormalizeCommand.self, RunCommand.self, CheckConfigCommand.self, TailCommand.self,
        ]
    )

    /// Runs the command line; `parse`'s file operands are taken apart from its options first (see
    /// ``ParseCommand/splitOperands(_:)``), so that any number of them costs linear time.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.first == "parse" else { return main(arguments) }
        let (options, operands) = ParseCommand.splitOperands(Array(arguments.dropFirst()))
        do {
            var parsed = try parseAsRoot(["parse"] + options)
            if var command = parsed as? ParseCommand {
                command.files += operands
                try command.run()
            } else {
                try parsed.run()  // --help, say
            }
        } catch {
            exit(withError: error)
        }
    }
}
