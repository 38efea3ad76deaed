import ArticleFixtures
import Foundation
import Testing

@testable import NewsIngestEngine

@Suite struct ConfigurationTests {
    func parse(_ text: String) throws(ConfigurationError) -> DaemonSettings {
        try Configuration.parse(text, source: "test.toml", cores: 2)
    }

    @Test func theDocumentedExampleIsTheBuiltInDefault() throws {
        let url = RepositoryFiles.root().appendingPathComponent("config/newsingest.toml")
        let documented = try parse(String(decoding: try Data(contentsOf: url), as: UTF8.self))
        let builtIn = try parse(Configuration.builtIn)
        #expect(documented.directories == builtIn.directories)
        #expect(documented.directories == [DirectorySettings(path: "seeds")])
        #expect(
            documented.pipeline.outputPath == "out/articles.jsonl"
                && builtIn.pipeline.outputPath == "out/articles.jsonl")
        #expect(documented.pipeline.errorsPath == builtIn.pipeline.errorsPath)
        #expect(documented.pipeline.workers == 2 && builtIn.pipeline.workers == 2)
        #expect(documented.pipeline.maxInFlight == builtIn.pipeline.maxInFlight)
        #expect(documented.pipeline.maxInFlight == 2048)  // 1 024 per worker
        #expect(documented.pipeline.maxInFlightBytes == builtIn.pipeline.maxInFlightBytes)
        #expect(documented.pipeline.maxInFlightBytes == 64 << 20)
        #expect(documented.pipeline.maxFileBytes == builtIn.pipeline.maxFileBytes)
        #expect(documented.pipeline.sync == .batch && documented.pipeline.dedupe == .content)
        #expect(documented.pipeline.syncIntervalSeconds == builtIn.pipeline.syncIntervalSeconds)
        #expect(documented.pipeline.rotateBytes == builtIn.pipeline.rotateBytes)
        #expect(documented.pipeline.rotateDaily == builtIn.pipeline.rotateDaily)
        #expect(documented.stateDirectory == builtIn.stateDirectory)
        #expect(documented.forgetAfterDays == 0 && builtIn.forgetAfterDays == 0)
        #expect(documented.settleSeconds == 2 && documented.rescanSeconds == 60)
        #expect(documented.shutdownTimeoutSeconds == builtIn.shutdownTimeoutSeconds)
        #expect(documented.logLevel == builtIn.logLevel)
    }

    @Test func everyKeyIsRead() throws {
        let settings = try parse(
            """
            [source]
            settle = 0.5
            rescan_interval = 5
            [[source.directory]]
            path = "/data/in"
            recursive = true
            include = ["*.txt", "*.md"]
            exclude = ["draft-*"]
            after = "move"
            done_directory = "/data/done"
            quarantine = "/data/bad"
            follow_symlinks = "never"
            [output]
            path = "-"
            errors = "/var/log/e.jsonl"
            fsync = "never"
            fsync_interval = 2.5
            dedupe = "none"
            rotate_bytes = 1000000
            rotate_daily = true
            [state]
            directory = "/var/lib/newsingest"
            forget_after_days = 90
            [pipeline]
            workers = 3
            max_in_flight = 10
            max_in_flight_bytes = 2097152
            max_file_bytes = 1000
            tone_style = "modern"
            [daemon]
            shutdown_timeout = 3
            log_level = "debug"
            """
        )
        #expect(
            settings.directories.map(\.path) == ["/data/in"] && settings.directories[0].recursive
                && settings.directories[0].include == ["*.txt", "*.md"]
                && settings.directories[0].exclude == ["draft-*"]
        )
        #expect(
            settings.directories[0].disposal
                == FileDisposal(after: .move, doneDirectory: "/data/done", quarantineDirectory: "/data/bad")
        )
        #expect(settings.directories[0].followSymlinks == .never)
        #expect(settings.pipeline.outputPath == "-" && settings.pipeline.errorsPath == "/var/log/e.jsonl")
        #expect(settings.pipeline.sync == .never && settings.pipeline.dedupe == DedupePolicy.none)
        #expect(settings.pipeline.syncIntervalSeconds == 2.5)
        #expect(settings.pipeline.rotateBytes == 1_000_000 && settings.pipeline.rotateDaily)
        #expect(
            settings.pipeline.workers == 3 && settings.pipeline.maxInFlight == 10
                && settings.pipeline.maxInFlightBytes == 2_097_152 && settings.pipeline.maxFileBytes == 1000)
        #expect(settings.pipeline.toneStyle == .modern)
        #expect(settings.stateDirectory == "/var/lib/newsingest" && settings.forgetAfterDays == 90)
        #expect(settings.settleSeconds == 0.5 && settings.rescanSeconds == 5 && settings.shutdownTimeoutSeconds == 3)
        #expect(settings.logLevel == "debug")
    }

    @Test func urlSourcesAndFetchSettingsAreRead() throws {
        let settings = try parse(
            """
            [source]
            user_agent = "bot/2"
            ca_file = "/etc/ca.pem"
            max_transfers = 8
            max_per_host = 2
            [[source.url]]
            url = "https://a.example/rss"
            kind = "index"
            interval = 30
            headers = ["Authorization: Bearer x"]
            timeout = 5
            max_bytes = 1000
            include = ["*.html"]
            exclude = ["*/video/*"]
            start_at = "now"
            follow_hosts = ["*.cdn.example"]
            allow_private_addresses = true
            obey_robots = false
            discover_sitemaps = true
            discover_feeds = true
            [[source.url]]
            url = "http://b.example/a.txt"
            """
        )
        var index = URLSettings(url: "https://a.example/rss", kind: .index)
        index.intervalSeconds = 30
        index.headers = ["Authorization: Bearer x"]
        index.timeoutSeconds = 5
        index.maxBytes = 1000
        index.include = ["*.html"]
        index.exclude = ["*/video/*"]
        index.startAt = .now
        index.followHosts = ["*.cdn.example"]
        index.allowPrivateAddresses = true
        index.obeyRobots = false
        index.discoverSitemaps = true
        index.discoverFeeds = true
        #expect(settings.urls == [index, URLSettings(url: "http://b.example/a.txt", kind: .article)])
        #expect(settings.fetch.userAgent == "bot/2" && settings.fetch.caFile == "/etc/ca.pem")
        #expect(settings.fetch.maxTransfers == 8 && settings.fetch.maxPerHost == 2)
        #expect(settings.fetch.minIntervalPerHostSeconds == 0 && settings.fetch.maxCrawlDelaySeconds == 60)
        let paced = try parse("[source]\nmin_interval_per_host = 1.5\nmax_crawl_delay = 10")
        #expect(paced.fetch.minIntervalPerHostSeconds == 1.5 && paced.fetch.maxCrawlDelaySeconds == 10)
        #expect(settings.urls[1].obeyRobots && !settings.urls[1].allowPrivateAddresses)
    }

    @Test(arguments: [
        (
            "[[source.url]]\nurl = \"file:///etc/passwd\"",
            "test.toml:2: source.url[0].url = \"file:///etc/passwd\": must be an http:// or https:// URL"
        ),
        (
            "[[source.url]]\nurl = \"http://a\"\nkind = \"feed\"",
            "test.toml:3: source.url[0].kind = \"feed\": must be one of article, index"
        ),
        (
            "[[source.url]]\nurl = \"http://a\"\ndiscover_feeds = true",
            "test.toml:3: source.url[0].discover_feeds = true: applies to kind = \"index\" only"
        ),
        (
            // The value of a malformed header is not echoed: it may be a credential.
            "[[source.url]]\nurl = \"http://a\"\nheaders = [\"Authorization Bearer s3cr3t\"]",
            "test.toml:3: source.url[0].headers: each header must be one line, \"Name: value\" (not so: \"Authorization…\")"
        ),
        (
            "[source]\nmin_interval_per_host = -1",
            "test.toml:2: source.min_interval_per_host = -1: must be between 0 and 3600 seconds"
        ),
        (
            "[output]\nfsync = \"sometimes\"",
            "test.toml:2: output.fsync = \"sometimes\": must be one of batch, interval, never"
        ),
        (
            "[[source.directory]]\npath = \"x\"\nrecursiv = true",
            "test.toml:3: source.directory[0].recursiv: unknown key "
                + "(known here: after, done_directory, exclude, follow_symlinks, include, path, quarantine, recursive)"
        ),
        ("[[source.directory]]\nrecursive = true", "test.toml: source.directory[0].path: is required"),
        (
            "[[source.directory]]\npath = \"in\"\nafter = \"move\"",
            "test.toml: source.directory[0].done_directory: is required when after = \"move\""
        ),
        (
            "[output]\nfsync_interval = 0",
            "test.toml:2: output.fsync_interval = 0: must be between 0.01 and 3600 seconds"
        ),
        ("[pipeline]\nworkers = -1", "test.toml:2: pipeline.workers = -1: must be between 0 and 1024"),
        (
            "[state]\nforget_after_days = -30",
            "test.toml:2: state.forget_after_days = -30: must be between 0 and 36500"
        ),
        ("[pipeline]\nworkers = \"two\"", "test.toml:2: pipeline.workers = \"two\": must be an integer"),
        (
            "[pipeline]\nmax_in_flight_bytes = 1000",
            "test.toml:2: pipeline.max_in_flight_bytes = 1000: must be between 1048576 and 1099511627776"
        ),
        ("[source]\nsettle = \"2s\"", "test.toml:2: source.settle = \"2s\": must be a number of seconds"),
        (
            "[outptu]\npath = \"x\"",
            "test.toml:1: outptu: unknown key (known here: cluster, daemon, output, pipeline, source, state)"
        ),
        ("[output\n", "test.toml:1: a table header must end with ']'"),
    ])
    func badConfigurationsNameTheKeyTheValueAndTheReason(text: String, message: String) {
        #expect {
            try parse(text)
        } throws: { error in
            (error as? ConfigurationError)?.description == message
        }
    }
}
