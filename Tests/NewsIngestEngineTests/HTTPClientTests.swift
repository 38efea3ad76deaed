import ArticleFixtures
import Foundation
import NewsIngestEngine
import Synchronization
import TestSupport
import Testing

/// The libcurl client against a real local server: what it fetches, and every way a server can misbehave.
@Suite(.serialized) struct HTTPClientTests {
    let server: TestHTTPServer
    let client = HTTPClient(limits: .init(maxTransfers: 8, maxPerHost: 4))
    let article = try! RepositoryFiles.seed(RepositoryFiles.seedNames[1])

    init() throws {
        server = try TestHTTPServer()
        try server.serve("a.txt", article)
    }

    func request(_ path: String, _ adjust: (inout HTTPRequest) -> Void = { _ in }) -> HTTPRequest {
        var request = HTTPRequest(url: server.url(path))
        request.timeoutSeconds = 10
        request.connectTimeoutSeconds = 5
        request.lowSpeedSeconds = 3
        adjust(&request)
        return request
    }

    func failure(_ result: Result<HTTPResponse, HTTPFetchError>) -> HTTPFetchError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    @Test func aFileIsFetchedWithItsValidatorsAndAConditionalRequestGets304() throws {
        let first = try client.fetchAndWait(request("a.txt")).get()
        #expect(first.status == 200 && first.body == article)
        let etag = try #require(first.header("etag"))
        let second = try client.fetchAndWait(request("a.txt") { $0.etag = etag }).get()
        #expect(second.status == 304 && second.body.isEmpty)
        #expect(server.requests.last?.contains(etag) == true)
    }

    @Test func redirectsAreFollowedAndTheFinalURLKept() throws {
        let response = try client.fetchAndWait(request("redirect/a.txt")).get()
        #expect(response.status == 200 && response.finalURL == server.url("a.txt"))
    }

    @Test func errorStatusesAreResponsesNotFailures() throws {
        #expect(try client.fetchAndWait(request("status/404")).get().status == 404)
        #expect(try client.fetchAndWait(request("status/503")).get().status == 503)
    }

    @Test func aBodyOverTheLimitIsCutOffWhileItArrives() {
        let error = failure(client.fetchAndWait(request("big/200000") { $0.maxBytes = 50_000 }))
        #expect(error?.kind == .tooLarge)
    }

    @Test func aCompressionBombStopsAtTheLimitOfTheDecodedBody() {
        // 64 MiB of zeros in about 64 KB of gzip: the limit applies to what is decoded.
        let error = failure(client.fetchAndWait(request("bomb") { $0.maxBytes = 1 << 20 }))
        #expect(error?.kind == .tooLarge)
    }

    @Test func redirectLoopsAndRedirectsToOtherSchemesAreRefused() {
        #expect(failure(client.fetchAndWait(request("loop")))?.kind == .redirect)
        #expect(failure(client.fetchAndWait(request("to-file")))?.kind == .redirect)
        #expect(failure(client.fetchAndWait(HTTPRequest(url: "file:///etc/passwd")))?.kind == .badURL)
    }

    @Test func aScopeRefusesAnAddressBeforeConnectingThereAndOnAReusedConnection() throws {
        // The connection pool holds a connection to the server from an unrestricted fetch: a refused request
        // must not slip through on it.
        _ = try client.fetchAndWait(request("a.txt")).get()
        let before = server.requests.count
        let refused = failure(
            client.fetchAndWait(
                request("a.txt") { $0.scope = FetchScope(addresses: .publicAnd([]), redirectHosts: nil) }))
        #expect(refused?.kind == .addressNotAllowed, "\(String(describing: refused))")
        #expect(refused?.message.contains("127.0.0.1, a loopback address") == true)
        #expect(server.requests.count == before)
        let allowed = try client.fetchAndWait(
            request("a.txt") { $0.scope = FetchScope(addresses: .publicAnd([.loopback]), redirectHosts: nil) }
        ).get()
        #expect(allowed.status == 200 && allowed.addressKind == .loopback)
    }

    @Test func aConfiguredURLsRedirectsStayOnItsKindOfAddressAndItsSite() throws {
        let other = try TestHTTPServer(address: "127.0.0.2")
        try other.serve("b.txt", article)
        let hop = "redirect-to/" + other.url("b.txt").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        // Loopback to loopback is the same kind; the host rule is what refuses it.
        let offSite = failure(
            client.fetchAndWait(
                request(hop) {
                    $0.scope = FetchScope(addresses: .configured, redirectHosts: HostScope(of: server.baseURL))
                }))
        #expect(offSite?.kind == .redirectNotAllowed)
        #expect(other.requests.isEmpty)
        let followed = try client.fetchAndWait(
            request(hop) {
                $0.scope = FetchScope(
                    addresses: .configured, redirectHosts: HostScope(of: server.baseURL, followHosts: ["127.0.0.2"]))
            }
        ).get()
        #expect(followed.status == 200 && followed.finalURL == other.url("b.txt") && followed.addressKind == .loopback)
        // A link (public addresses only) is refused at the first hop, before any request.
        let before = server.requests.count
        let link = failure(
            client.fetchAndWait(
                request(hop) { $0.scope = FetchScope(addresses: .publicAnd([]), redirectHosts: nil) }))
        #expect(link?.kind == .addressNotAllowed && server.requests.count == before)
    }

    @Test func throughAProxyTheScopeChecksNumericHostsAndLeavesNamesToTheProxy() throws {
        // The test server answers requests in absolute form: a forward proxy on loopback.
        let proxied = HTTPClient(environment: ["http_proxy": server.baseURL])
        let link = FetchScope(addresses: .publicAnd([]), redirectHosts: nil)
        var named = HTTPRequest(url: "http://news.example/a.txt")
        named.scope = link
        let response = try proxied.fetchAndWait(named).get()
        #expect(response.status == 200 && response.body == article)
        let before = server.requests.count
        var numeric = HTTPRequest(url: "http://10.0.0.1/a.txt")
        numeric.scope = link
        #expect(failure(proxied.fetchAndWait(numeric))?.kind == .addressNotAllowed)
        #expect(server.requests.count == before)
    }

    @Test func aTruncatingRequestKeepsTheFirstBytesOfALongerBody() throws {
        let response = try client.fetchAndWait(
            request("big/100000") {
                $0.maxBytes = 1000
                $0.truncatesAtMaxBytes = true
            }
        ).get()
        #expect(response.status == 200 && response.body == [UInt8](repeating: UInt8(ascii: "a"), count: 1000))
    }

    @Test func aStalledServerTimesOutAndATricklingOneIsCutOff() {
        let stall = failure(client.fetchAndWait(request("stall") { $0.timeoutSeconds = 2 }))
        #expect(stall?.kind == .timeout && stall?.isTransient == true)
        let trickle = failure(client.fetchAndWait(request("trickle") { $0.lowSpeedBytesPerSecond = 10 }))
        #expect(trickle?.kind == .timeout)
    }

    @Test func aDroppedConnectionIsATransientFailure() {
        let error = failure(client.fetchAndWait(request("reset/1/a.txt")))
        #expect(error?.kind == .connection && error?.isTransient == true)
    }

    @Test func manyTransfersRunAtOnceOnOneThread() throws {
        let paths = (0..<40).map { "redirect/a.txt?\($0)" }
        let group = DispatchGroup()
        let statuses = NSLock()
        nonisolated(unsafe) var seen: [Int] = []
        for path in paths {
            group.enter()
            client.fetch(request(path)) { result in
                statuses.lock()
                seen.append((try? result.get().status) ?? -1)
                statuses.unlock()
                group.leave()
            }
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(seen.count == 40 && seen.allSatisfy { $0 == 200 })
    }

    /// Requests beyond `maxTransfers`, or beyond `maxPerHost` to one host, wait their turn in the client, and
    /// their timeouts start with their transfer: twelve half-second responses, two at a time as the server
    /// counts them, all arrive though that takes three seconds and each may take two.
    @Test(arguments: [(2, 2), (8, 2)])
    func queuedRequestsWaitTheirTurnWithoutTheirTimeoutsRunning(maxTransfers: Int, maxPerHost: Int) throws {
        let narrow = HTTPClient(limits: .init(maxTransfers: maxTransfers, maxPerHost: maxPerHost))
        _ = try client.fetchAndWait(request("slow-peak")).get()  // resets the server's count
        let group = DispatchGroup()
        let results = Mutex<[Int]>([])
        for index in 0..<12 {
            group.enter()
            narrow.fetch(request("slow/0.5/a.txt?\(index)") { $0.timeoutSeconds = 2 }) { result in
                results.withLock { $0.append((try? result.get().status) ?? -1) }
                group.leave()
            }
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        let statuses = results.withLock { $0 }
        #expect(statuses.count == 12 && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        let peak = try client.fetchAndWait(request("slow-peak")).get().body
        #expect(String(decoding: peak, as: UTF8.self) == "2")
    }

    @Test func httpsUsesHTTP2WhereOfferedAndVerifiesAgainstTheGivenCA() throws {
        let nginx = try TestNginx()
        try nginx.serve("a.txt", article)
        var request = HTTPRequest(url: nginx.secureBaseURL + "/a.txt")
        request.caFile = nginx.certificate
        let response = try client.fetchAndWait(request).get()
        #expect(response.status == 200 && response.body == article)
        #expect(response.httpVersion == "2")
        // Without its CA the self-signed server is refused: verification is never off.
        let unverified = failure(client.fetchAndWait(HTTPRequest(url: nginx.secureBaseURL + "/a.txt")))
        #expect(unverified?.kind == .connection, "\(String(describing: unverified))")
    }
}
