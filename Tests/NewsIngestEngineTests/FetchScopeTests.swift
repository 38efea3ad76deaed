import Testing

@testable import NewsIngestEngine

/// What a link or a redirect may reach: address kinds, sites, credentials, and the redirect rule.
@Suite struct FetchScopeTests {
    @Test(arguments: [
        ("8.8.8.8", AddressKind.public), ("1.1.1.1", .public), ("100.63.255.255", .public),
        ("100.128.0.0", .public), ("172.15.255.255", .public), ("172.32.0.0", .public),
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback), ("10.0.0.1", .private),
        ("172.16.0.1", .private), ("172.31.255.255", .private), ("192.168.1.1", .private),
        ("169.254.169.254", .linkLocal), ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("0.0.0.0", .unspecified),
        ("0.1.2.3", .unspecified),
        ("255.255.255.255", .reserved), ("240.0.0.1", .reserved), ("192.0.2.1", .reserved), ("198.18.0.1", .reserved),
        ("203.0.113.9", .reserved),
        ("::1", .loopback), ("::", .unspecified), ("fd00::1", .private), ("fc00::1", .private),
        ("fe80::1", .linkLocal), ("febf::1", .linkLocal), ("fec0::1", .private), ("ff02::1", .multicast),
        ("2001:db8::1", .reserved), ("2606:4700:4700::1111", .public), ("[2a00:1450::1]", .public),
        ("::ffff:169.254.169.254", .linkLocal), ("[::ffff:127.0.0.1]", .loopback), ("::ffff:8.8.8.8", .public),
        ("::ffff:a9fe:a9fe", .linkLocal), ("::10.0.0.1", .private), ("64:ff9b::a9fe:a9fe", .linkLocal),
        ("64:ff9b::808:808", .public),
    ])
    func everyAddressHasItsKind(address: String, kind: AddressKind) {
        #expect(AddressKind(literal: address) == kind, "\(address)")
    }

    @Test func namesAndMalformedAddressesAreNotAddresses() {
        for text in ["localhost", "vnexpress.net", "1.2.3", "1.2.3.4.5", "::g", "", "[]", "0x7f.1"] {
            #expect(AddressKind(literal: text) == nil, "\(text)")
        }
    }

    @Test func aConfiguredURLMayBeAnywhereButItsRedirectsOnlyPublicOrItsOwnKind() {
        let configured = FetchScope.Addresses.configured
        #expect(AddressKind.allCases.allSatisfy { configured.permit($0) })
        let redirected = configured.afterRedirect(from: .loopback)
        #expect(redirected.permit(.public) && redirected.permit(.loopback))
        #expect(!redirected.permit(.linkLocal) && !redirected.permit(.private) && !redirected.permit(.unspecified))
        #expect(FetchScope.Addresses.publicAnd([]).permit(.public))
        #expect(!FetchScope.Addresses.publicAnd([]).permit(.loopback))
        #expect(FetchScope.Addresses.any.afterRedirect(from: .public) == .any)
    }

    @Test func theSiteIsTheRegistrableDomain() {
        #expect(HostScope.site(of: "e.vnexpress.net") == "vnexpress.net")
        #expect(HostScope.site(of: "www.dantri.com.vn") == "dantri.com.vn")
        #expect(HostScope.site(of: "dantri.com.vn") == "dantri.com.vn")
        #expect(HostScope.site(of: "a.b.tuoitre.vn") == "tuoitre.vn")
        // A shared host's users are sites of their own (the list's private section).
        #expect(HostScope.site(of: "alice.github.io") == "alice.github.io")
        #expect(HostScope.site(of: "127.0.0.1") == "127.0.0.1")
        #expect(HostScope.site(of: "localhost") == "localhost")
        #expect(HostScope.site(of: "com.vn") == "com.vn")
    }

    @Test func linksStayOnTheSiteOrTheFollowedHosts() {
        let scope = HostScope(
            of: "https://VNExpress.net/rss/tin-moi.rss", followHosts: ["*.vnecdn.net", "203.0.113.*"])
        #expect(scope.ownHost == "vnexpress.net" && scope.site == "vnexpress.net")
        for allowed in [
            "https://vnexpress.net/a", "http://www.vnexpress.net:8080/b", "https://e.vnexpress.net/c",
            "https://i1.vnecdn.net/d", "http://203.0.113.7/e", "https://user:pw@vnexpress.net/f",
            "https://vnexpress.net./g",
        ] {
            #expect(scope.permits(allowed), "\(allowed)")
        }
        for refused in [
            "https://vnexpress.net.evil.example/a", "https://evilvnexpress.net/b", "http://127.0.0.1/c",
            "https://vnecdn.net/d", "https://vnexpress.net@169.254.169.254/e", "http:///nohost",
        ] {
            #expect(!scope.permits(refused), "\(refused)")
        }
        let github = HostScope(of: "https://alice.github.io/feed.xml")
        #expect(github.permits("https://alice.github.io/post") && !github.permits("https://bob.github.io/post"))
        let loopback = HostScope(of: "http://127.0.0.1:8080/index")
        #expect(loopback.permits("http://127.0.0.1:9090/x") && !loopback.permits("http://127.0.0.2:8080/x"))
    }

    @Test func theURLsPartsAreReadAsWritten() {
        #expect(URLParts.host(of: "https://user:p@ss@[FD00::1]:8443/x") == "fd00::1")
        #expect(URLParts.origin(of: "https://user:pw@News.Example/a?b") == "https://news.example:443")
        #expect(URLParts.origin(of: "http://news.example:8080") == "http://news.example:8080")
        #expect(URLParts.origin(of: "http://[::1]/x") == "http://[::1]:80")
        #expect(URLParts.pathAndQuery(of: "http://a.example") == "/")
        #expect(URLParts.pathAndQuery(of: "http://a.example?q=1") == "/?q=1")
        #expect(URLParts.pathAndQuery(of: "http://a.example/p/q?r=1#frag") == "/p/q?r=1")
        #expect(URLParts.hasCredentials("https://user:pw@a.example/x"))
        #expect(!URLParts.hasCredentials("https://a.example/x@y"))
        #expect(URLParts.withoutCredentials("https://user:pw@a.example/x@y") == "https://a.example/x@y")
        #expect(URLParts.withoutCredentials("https://a.example/x") == "https://a.example/x")
    }

    @Test func theProxyIsChosenAsCurlChoosesIt() {
        let choice = ProxyChoice(environment: [
            "http_proxy": "http://proxy:3128", "HTTPS_PROXY": "http://secure-proxy:3128",
            "no_proxy": "internal.example, .corp.example,localhost",
        ])
        #expect(choice.proxy(for: "http://news.example/a") == "http://proxy:3128")
        #expect(choice.proxy(for: "https://news.example/a") == "http://secure-proxy:3128")
        #expect(choice.proxy(for: "http://internal.example/a") == nil)
        #expect(choice.proxy(for: "http://a.internal.example/a") == nil)
        #expect(choice.proxy(for: "http://wiki.corp.example/a") == nil)
        #expect(choice.proxy(for: "http://notinternal.example/a") == "http://proxy:3128")
        #expect(choice.proxy(for: "http://LOCALHOST:8080/a") == nil)
        // curl reads http_proxy in lower case only (HTTP_PROXY may come from a CGI request's Proxy: header).
        #expect(ProxyChoice(environment: ["HTTP_PROXY": "http://p:1"]).proxy(for: "http://a.example/") == nil)
        let all = ProxyChoice(environment: ["ALL_PROXY": "socks5://p:1080", "NO_PROXY": "*"])
        #expect(all.proxy(for: "http://a.example/") == nil)
        #expect(
            ProxyChoice(environment: ["all_proxy": "socks5://p:1080"]).proxy(for: "https://a.example/")
                == "socks5://p:1080")
        #expect(ProxyChoice(environment: [:]).proxy(for: "http://a.example/") == nil)
    }

    func redirect(_ location: String, from request: HTTPRequest, kind: AddressKind? = .public) -> Result<
        HTTPRequest, HTTPFetchError
    >? {
        request.redirected(
            by: HTTPResponse(
                status: 302, finalURL: request.url, headers: [("location", location)], body: [], httpVersion: "1.1",
                addressKind: kind, redirectTarget: location))
    }

    @Test func aRedirectIsHeldToTheSiteAndLosesCredentialsOnAnotherHost() throws {
        var request = HTTPRequest(url: "https://news.example/a")
        request.headers = ["Authorization: Bearer secret", "Accept-Language: vi", "cookie: s=1"]
        request.scope = FetchScope(addresses: .configured, redirectHosts: HostScope(of: "https://news.example/"))
        let sameHost = try #require(try redirect("https://news.example/b", from: request, kind: .loopback)?.get())
        #expect(sameHost.headers == request.headers && sameHost.redirectsLeft == 4)
        #expect(sameHost.scope.addresses == .publicAnd([.loopback]))
        let otherHost = try #require(try redirect("https://cdn.news.example/b", from: request)?.get())
        #expect(otherHost.headers == ["Accept-Language: vi"])
        guard case .failure(let error) = redirect("https://elsewhere.example/", from: request) else {
            Issue.record("a redirect off the site was followed")
            return
        }
        #expect(error.kind == .redirectNotAllowed)
        guard case .failure(let scheme) = redirect("file:///etc/passwd", from: request) else {
            Issue.record("a redirect to file: was followed")
            return
        }
        #expect(scheme.kind == .redirect)
        var exhausted = request
        exhausted.redirectsLeft = 0
        guard case .failure(let loop) = redirect("https://news.example/b", from: exhausted) else {
            Issue.record("a sixth redirect was followed")
            return
        }
        #expect(loop.kind == .redirect)
        // Not a redirect: the answer.
        #expect(
            request.redirected(
                by: HTTPResponse(
                    status: 304, finalURL: request.url, headers: [("location", "/x")], body: [], httpVersion: nil))
                == nil)
    }
}
