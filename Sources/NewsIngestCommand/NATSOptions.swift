import ArgumentParser
import NewsIngestEngine

/// The flags that name a JetStream stream: `run` publishes records into it, `tail` reads them from it.
struct NATSOptions: ParsableArguments {
    @Option(
        name: .customLong("nats-url"),
        help: ArgumentHelp("A NATS server (repeatable): publish records into JetStream.", valueName: "url"))
    var urls: [String] = []

    @Option(name: .customLong("nats-stream"), help: "The JetStream stream (default NEWSINGEST).")
    var stream: String?

    @Option(
        name: .customLong("nats-subject"), help: "The subject records are published on (default newsingest.articles).")
    var subject: String?

    /// Applies the flags to `settings` (`nil`: no stream configured), checking each.
    func apply(to settings: NATSSettings?) throws(ConfigurationLoader.Problem) -> NATSSettings? {
        for url in urls where !Configuration.isNATSURL(url) {
            throw ConfigurationLoader.fail("--nats-url", url, "must be a nats:// or tls:// URL, or host:port")
        }
        var settings = settings
        if !urls.isEmpty {
            if settings == nil { settings = NATSSettings(servers: urls) } else { settings!.servers = urls }
        }
        guard var settings else {
            if stream != nil || subject != nil {
                throw ConfigurationLoader.fail(
                    stream != nil ? "--nats-stream" : "--nats-subject", nil,
                    "needs a server: --nats-url or [output.nats] servers")
            }
            return nil
        }
        if let stream {
            if let problem = NATSSettings.problem(withName: stream) {
                throw ConfigurationLoader.fail("--nats-stream", stream, problem)
            }
            settings.stream = stream
        }
        if let subject {
            if let problem = NATSSettings.problem(withSubject: subject) {
                throw ConfigurationLoader.fail("--nats-subject", subject, problem)
            }
            settings.subject = subject
        }
        return settings
    }
}
