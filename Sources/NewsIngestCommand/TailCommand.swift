import ArgumentParser
import Foundation
import Logging
import NewsIngestEngine
import NewsIngestSystem

/// `newsingest tail`: the records of a JetStream stream as JSONL on standard output, one line each.
struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the records of a JetStream stream as JSONL, one per line, acknowledging as it goes.",
        discussion: """
            Like tail -F on the JSONL output: waits for new records and prints each as it arrives. \
            --from-start begins with the stream's first record. --durable NAME keeps the place between runs \
            (a later run with the same name goes on where this one stopped). Connection errors go to standard \
            error; exit 78 for bad flags, 1 when the stream cannot be read.
            """
    )

    @OptionGroup(title: "JetStream")
    var nats: NATSOptions

    @Flag(name: .long, help: "Begin with the stream's first record (default: only records published from now on).")
    var fromStart = false

    @Option(name: .long, help: "A durable consumer's name: the place is kept between runs.")
    var durable: String?

    @Flag(name: .long, help: "Stop once the records there at the start are printed, rather than wait for more.")
    var noFollow = false

    func run() throws {
        let settings = try ConfigurationLoader.exitingOnProblem { () throws -> NATSSettings in
            guard let settings = try nats.apply(to: nil) else {
                throw ConfigurationLoader.fail("--nats-url", nil, "is required: the NATS server to read from")
            }
            if let durable, let problem = NATSSettings.problem(withName: durable) {
                throw ConfigurationLoader.fail("--durable", durable, problem)
            }
            return settings
        }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "newsingest tail")
        logger.logLevel = .notice
        let reader: NATSStreamReader
        do {
            reader = try NATSStreamReader(
                settings: settings, durable: durable, start: fromStart ? .first : .new, logger: logger)
        } catch {
            StandardStreams.printError("newsingest tail: \(error)")
            throw ExitCode(1)
        }
        let output = BufferedOutput(StandardStreams.output)
        var printed: UInt64 = 0
        while !noFollow || printed < reader.pendingAtStart {
            do {
                let count = try reader.fetch(
                    upTo: 256, timeoutSeconds: 1, handle: { try output.append(Array($0) + [0x0A]) },
                    handedOn: { try output.flush() })
                printed += UInt64(count)
            } catch {
                StandardStreams.printError("newsingest tail: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
