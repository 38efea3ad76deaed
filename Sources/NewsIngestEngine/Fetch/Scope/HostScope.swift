import CPSL
import Foundation

/// The hosts a URL source may follow links and redirects to: the configured URL's own site (its host, and
/// every host under the same registrable domain, `www.` or not), and the hosts its `follow_hosts` globs
/// name.
///
/// The registrable domain comes from the Public Suffix List (libpsl with the system's list): `vnexpress.net`
/// for `e.vnexpress.net`, `dantri.com.vn` for `dantri.com.vn`, but `a.github.io` for `a.github.io`, so one
/// user's pages on a shared host never reach another's. A numeric host is its own site.
public struct HostScope: Sendable, Equatable {
    /// The configured URL's host, lower-cased, without port.
    public let ownHost: String
    /// The site its links may stay on.
    public let site: String
    /// `fnmatch` globs on a host name (`*.cdn.example`, `203.0.113.*`).
    public let followHosts: [String]

    /// The scope of a source configured at `url`.
    public init(of url: String, followHosts: [String] = []) {
        ownHost = URLParts.host(of: url) ?? ""
        site = Self.site(of: ownHost)
        self.followHosts = followHosts.map { $0.lowercased() }
    }

    /// True when a link or redirect to `url` may be followed.
    public func permits(_ url: String) -> Bool {
        guard let host = URLParts.host(of: url) else { return false }
        return host == ownHost || Self.site(of: host) == site
            || followHosts.contains { fnmatch($0, host, 0) == 0 }
    }

    /// The registrable domain of `host` (lower-case), or the host itself when it has none (a numeric address,
    /// `localhost`, a public suffix).
    public static func site(of host: String) -> String {
        guard !host.isEmpty, AddressKind(literal: host) == nil, let list = publicSuffixes,
            let domain = psl_registrable_domain(list, host)
        else { return host }
        return String(cString: domain)
    }

    /// The newest of libpsl's built-in list and the system's (`publicsuffix`), loaded once.
    nonisolated(unsafe) private static let publicSuffixes: OpaquePointer? = psl_latest(nil)
}
