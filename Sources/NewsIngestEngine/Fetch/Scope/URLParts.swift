/// The parts of an `http(s)` URL the fetch rules look at, taken from the text as it is (no normalization but
/// lower-casing the scheme and host), in one pass each.
public enum URLParts {
    /// `user:password@host:port`: what stands between `://` and the path.
    static func authority(of url: String) -> Substring? {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let rest = url[separator.upperBound...]
        return rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" } ?? rest.endIndex)]
    }

    /// `host:port` as written, without user information: the authority a connection goes to.
    static func hostAndPort(of url: String) -> Substring? {
        guard var hostAndPort = authority(of: url) else { return nil }
        if let at = hostAndPort.lastIndex(of: "@") { hostAndPort = hostAndPort[hostAndPort.index(after: at)...] }
        return hostAndPort
    }

    /// The host, lower-cased, without user information, port or the brackets of an IPv6 address; `nil` when
    /// there is none.
    public static func host(of url: String) -> String? {
        guard let hostAndPort = hostAndPort(of: url) else { return nil }
        let host: Substring
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
            host = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
        } else {
            host = hostAndPort[..<(hostAndPort.firstIndex(of: ":") ?? hostAndPort.endIndex)]
        }
        var lowered = host.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }  // `example.com.` is `example.com`
        return lowered.isEmpty ? nil : lowered
    }

    /// `scheme://host:port` lower-cased, with the default port made explicit: what `robots.txt` and pacing
    /// apply to.
    public static func origin(of url: String) -> String? {
        guard let separator = url.firstRange(of: "://"), let hostAndPort = hostAndPort(of: url) else {
            return nil
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        var origin = "\(scheme)://\(hostAndPort.lowercased())"
        let hasPort = hostAndPort.hasPrefix("[") ? hostAndPort.contains("]:") : hostAndPort.contains(":")
        if !hasPort { origin += scheme == "https" ? ":443" : ":80" }
        return origin
    }

    /// The path and query (`/a/b?c`), `/` when empty, without the fragment: what `robots.txt` rules match.
    public static func pathAndQuery(of url: String) -> Substring {
        guard let separator = url.firstRange(of: "://") else { return "/" }
        let rest = url[separator.upperBound...]
        guard let start = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let path = rest[start..<(rest[start...].firstIndex(of: "#") ?? rest.endIndex)]
        return path.hasPrefix("?") ? "/" + path : path
    }

    /// True when the URL carries user information (`user:password@`).
    public static func hasCredentials(_ url: String) -> Bool {
        authority(of: url)?.contains("@") ?? false
    }

    /// The URL without its user information: what records, error records and logs show.
    public static func withoutCredentials(_ url: String) -> String {
        guard let authority = authority(of: url), let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<authority.startIndex]) + String(url[url.index(after: at)...])
    }
}
