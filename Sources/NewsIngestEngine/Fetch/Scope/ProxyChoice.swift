/// Which proxy, if any, a URL is fetched through, decided from the environment as curl decides it
/// (`http_proxy` for `http`, only in lower case as curl has it; `https_proxy` or `HTTPS_PROXY` for `https`;
/// `all_proxy`/`ALL_PROXY` for either; `no_proxy`/`NO_PROXY` naming hosts and domains that go direct, `*`
/// for all), and handed to libcurl explicitly, so the client knows which connections go to a proxy.
///
/// Through a proxy, the address a connection goes to is the proxy's, configured by the operator; what the
/// scope checks then is the URL's host when it is a numeric address (a name is the proxy's to resolve).
public struct ProxyChoice: Sendable, Equatable {
    let httpProxy: String?
    let httpsProxy: String?
    /// Lower-cased host names and domains (without a leading dot) that go direct.
    let direct: [String]
    let allDirect: Bool

    /// The choice `environment` makes.
    public init(environment: [String: String]) {
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
        let all = value("all_proxy", "ALL_PROXY")
        httpProxy = value("http_proxy") ?? all
        httpsProxy = value("https_proxy", "HTTPS_PROXY") ?? all
        let exceptions = (value("no_proxy", "NO_PROXY") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        allDirect = exceptions.contains("*")
        direct = exceptions.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }.filter { !$0.isEmpty }
    }

    /// The proxy for `url`, or `nil` to connect directly.
    public func proxy(for url: String) -> String? {
        let scheme = url.prefix { $0 != ":" }.lowercased()
        guard let proxy = scheme == "https" ? httpsProxy : scheme == "http" ? httpProxy : nil, !allDirect,
            let host = URLParts.host(of: url)
        else { return nil }
        let goesDirect = direct.contains { host == $0 || host.hasSuffix("." + $0) }
        return goesDirect ? nil : proxy
    }
}
