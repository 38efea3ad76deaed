import ArgumentParser

/// `newsingest`: turns Vietnamese news articles into normalized JSON records.
@main
struct NewsIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsingest",
        abstract: "Turn Vietnamese news articles into clean, normalized JSON records.",
        subcommands: [ParseCommand.self, NormalizeCommand.self, RunCommand.self, CheckConfigCommand.self]
    )
}
