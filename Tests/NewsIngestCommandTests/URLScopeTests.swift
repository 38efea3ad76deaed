import ArticleFixtures
import Foundation
import TestSupport
import Testing

/// What a remote page can make the daemon fetch: links and redirects stay on the configured URL's site and
/// its `follow_hosts`, never reach a private network, and credentials in URLs never reach the records.
@Suite struct URLScopeTests {
    let runner = BinaryRunner()

    /// Writes a configuration: `preamble` (top-level tables) and `[[source.url]]` entries `(url, kind,
    /// extra lines)` polled every half second.
    static func configuration(
        at path: String, preamble: String = "", _ entries: [(String, String, String)]
    ) throws {
        let text =
            preamble + "\n"
            + entries.map { url, kind, extra in
                "[[source.url]]\nurl = \"\(url)\"\nkind = \"\(kind)\"\ninterval = 0.5\n\(extra)\n"
            }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func percentEncoded(_ url: String) -> String {
        url.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    @Test func linksAndRedirectsToAnotherHostAreFollowedOnlyWhenTheSourceAllows() throws {
        let index = try TestHTTPServer()
        let other = try TestHTTPServer(address: "127.0.0.2")
        let articles = ArticleGenerator.seedLikeArticles(4, seed: 2001)
        try index.serve("own.txt", articles[0])
        try other.serve("secret.txt", articles[1])
        try other.serve("secret-2.txt", articles[2])
        let redirect = index.url("redirect-to/" + Self.percentEncoded(other.url("secret-2.txt")))
        try index.serve(
            "index.txt", Array([index.url("own.txt"), other.url("secret.txt"), redirect].joined(separator: "\n").utf8))

        // By default: the link to 127.0.0.2 is skipped, the redirect there refused, its server never asked.
        let workspace = try Workspace()
        let config = workspace.temporary.path("urls.toml")
        try Self.configuration(at: config, [(index.url("index.txt"), "index", "")])
        let daemon = try DaemonProcess(
            binary: runner.binary,
            arguments: workspace.arguments + [
                "--config", config, "--log-level", "debug", "--metrics-address", "127.0.0.1:0",
            ], in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 60) { workspace.records().count == 1 && workspace.errorRecords().count == 1 },
            "\(daemon.log)")
        let refusal = try #require(workspace.errorRecords().first)
        #expect(refusal["code"] as? String == "redirect_not_allowed" && refusal["path"] as? String == redirect)
        #expect((refusal["reason"] as? String)?.contains("off the source's site (127.0.0.1)") == true, "\(refusal)")
        #expect(daemon.log.contains("link not followed") && daemon.log.contains("reason=off_site"))
        let port = try #require(MetricsServerTests.port(in: daemon.log))
        let metrics = RawHTTPRequest.get("/metrics", port: port)?.body ?? ""
        #expect(metrics.contains("newsingest_links_skipped_total{reason=\"off_site\"} 1"), "\(metrics)")
        #expect(daemon.stop() == 0)
        #expect(other.requests.isEmpty, "\(other.requests)")

        // With the host followed and private addresses allowed, both are fetched.
        let allowing = try Workspace()
        let allowingConfig = allowing.temporary.path("urls.toml")
        try Self.configuration(
            at: allowingConfig,
            [(index.url("index.txt"), "index", "follow_hosts = [\"127.0.0.2\"]\nallow_private_addresses = true")])
        let second = try DaemonProcess(
            binary: runner.binary, arguments: allowing.arguments + ["--config", allowingConfig],
            in: allowing.temporary.url)
        #expect(Wait.until(seconds: 60) { allowing.records().count == 3 }, "\(second.log)")
        #expect(second.stop() == 0)
        #expect(Set(other.paths()) == ["/secret.txt", "/secret-2.txt"], "\(other.requests)")
        #expect(allowing.errorRecords().isEmpty)
    }

    @Test func credentialsInLinksNeverReachRecordsOrLogsNorLeaveTheirHost() throws {
        let index = try TestHTTPServer()
        let articles = ArticleGenerator.seedLikeArticles(3, seed: 2002)
        try index.serve("news/with-credentials.txt", articles[0])
        try index.serve("news/plain.txt", articles[1])
        let port = index.baseURL.split(separator: ":").last!
        try index.serve(
            "index.txt",
            Array(
                [
                    "http://reader:hunter2@127.0.0.1:\(port)/news/with-credentials.txt",
                    // Another host, even a followed one: credentials for it are not the operator's.
                    "http://reader:hunter2@localhost:\(port)/news/elsewhere.txt",
                    index.url("news/plain.txt"),
                ].joined(separator: "\n").utf8))
        let workspace = try Workspace()
        let config = workspace.temporary.path("urls.toml")
        try Self.configuration(
            at: config,
            [
                (
                    "http://operator:s3cr3t@127.0.0.1:\(port)/index.txt", "index",
                    "follow_hosts = [\"localhost\"]\nheaders = [\"Authorization: Bearer t0ken\", \"Accept-Language: vi\"]"
                ),
                ("http://operator:s3cr3t@127.0.0.1:\(port)/status/404", "article", ""),
            ])
        let daemon = try DaemonProcess(
            binary: runner.binary, arguments: workspace.arguments + ["--config", config, "--log-level", "debug"],
            in: workspace.temporary.url)
        #expect(
            Wait.until(seconds: 60) { workspace.records().count == 2 && workspace.errorRecords().count == 1 },
            "\(daemon.log)")
        #expect(daemon.stop() == 0)
        let urls = workspace.records().compactMap { ($0["source"] as? [String: Any])?["url"] as? String }
        #expect(Set(urls) == [index.url("news/with-credentials.txt"), index.url("news/plain.txt")])
        #expect(workspace.errorRecords().first?["path"] as? String == index.url("status/404"))
        for text in [
            (try? String(contentsOf: workspace.output, encoding: .utf8)) ?? "",
            (try? String(contentsOf: workspace.errors, encoding: .utf8)) ?? "",
            daemon.log,
        ] {
            for secret in ["hunter2", "s3cr3t", "t0ken"] { #expect(!text.contains(secret), "\(secret) in \(text)") }
        }
        #expect(daemon.log.contains("reason=credentials"))
        #expect(!index.paths().contains("/news/elsewhere.txt"))
        // The configured header went with the requests to the configured host, and only there.
        #expect(index.pathsWithCredentials.contains("/index.txt"))
    }

    /// Inside a network namespace with loopback only: an index and an article on 127.0.0.1 whose links and
    /// redirects point at the cloud metadata service, private networks and names that resolve to them.
    @Test(.enabled(if: NetworkNamespace.isAvailable, "needs unshare --user --net --mount"))
    func remoteServersCannotSteerTheDaemonIntoPrivateNetworks() throws {
        let workspace = try Workspace()
        let root = workspace.temporary.url.appendingPathComponent("server/www")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let base = "http://127.0.0.1:8080"
        let forbidden = [
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin", "http://[fd00::1]/x",
            "http://[::ffff:169.254.169.254]/latest/", "http://metadata.internal/latest/",
            "http://rebound.internal:8080/own.txt", "http://100.64.0.1/x", "http://0.0.0.0:8080/own.txt",
        ]
        let redirects = forbidden.prefix(4).map { base + "/redirect-to/" + Self.percentEncoded($0) }
        let articles = ArticleGenerator.seedLikeArticles(2, seed: 2003)
        try Data(articles[0]).write(to: root.appendingPathComponent("own.txt"))
        try Data((forbidden + redirects + [base + "/own.txt"]).joined(separator: "\n").utf8)
            .write(to: root.appendingPathComponent("index.txt"))
        // Names that resolve, inside the namespace only, to the metadata service and to a private network: the
        // address is checked after DNS.
        let hosts = workspace.temporary.path("hosts")
        try Data("127.0.0.1 localhost\n169.254.169.254 metadata.internal\n10.0.0.1 rebound.internal\n".utf8)
            .write(to: URL(fileURLWithPath: hosts))
        let config = workspace.temporary.path("urls.toml")
        try Self.configuration(
            at: config,
            [
                (base + "/index.txt", "index", "follow_hosts = [\"*\"]"),
                (
                    base + "/redirect-to/" + Self.percentEncoded("http://169.254.169.254/latest/user-data"), "article",
                    "follow_hosts = [\"*\"]"
                ),
            ])
        let ready = workspace.temporary.path("server/ready")
        let pidFile = workspace.temporary.path("server/pid")
        let script = """
            mount --bind "\(hosts)" /etc/hosts || exit 91
            python3 "\(TestHTTPServer.script.path)" --close-inherited "\(root.path)" 127.0.0.1 8080 > "\(ready)" 2>/dev/null &
            echo $! > "\(pidFile)"
            i=0; until grep -q PORT "\(ready)" 2>/dev/null; do i=$((i+1)); [ $i -gt 600 ] && exit 92; sleep 0.1; done
            exec "$0" "$@"
            """
        let (unshare, arguments) = NetworkNamespace.command(
            script: script, binary: runner.binary, arguments: workspace.arguments + ["--config", config])
        let daemon = try DaemonProcess(binary: unshare, arguments: arguments, in: workspace.temporary.url)
        defer {
            if let pid = try? String(contentsOfFile: pidFile, encoding: .utf8), let number = Int32(pid.trimmed) {
                kill(number, SIGKILL)
            }
        }
        let expected = forbidden.count + redirects.count + 1
        #expect(
            Wait.until(seconds: 90) { workspace.errorRecords().count >= expected && workspace.records().count == 1 },
            "\(workspace.errorRecords()) \(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        var codes: [String: String] = [:]
        for record in workspace.errorRecords() {
            codes[record["path"] as! String] = record["code"] as? String
        }
        for url in forbidden + redirects {
            #expect(codes[url] == "address_not_allowed", "\(url): \(codes)")
        }
        #expect(
            codes[base + "/redirect-to/" + Self.percentEncoded("http://169.254.169.254/latest/user-data")]
                == "address_not_allowed")
        let requests = TestHTTPServer.requests(loggedIn: root.deletingLastPathComponent())
        #expect(requests.allSatisfy { !$0.contains("/latest/") || $0.contains("/redirect-to/") }, "\(requests)")
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
