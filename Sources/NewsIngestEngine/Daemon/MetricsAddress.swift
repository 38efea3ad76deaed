import NewsIngestSystem

/// Where ``MetricsServer`` listens: an IPv4 address and a port, written `127.0.0.1:9464`, or an IPv6 address
/// in brackets and a port, written `[::1]:9464`.
public struct MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address without brackets: `127.0.0.1`, `::1`.
    public var host: String
    public var port: UInt16

    /// True for an IPv6 address.
    public var isIPv6: Bool { host.contains(":") }

    /// Parses `host:port` or `[host]:port`; `nil` unless the host is four dotted numbers up to 255, or an IPv6
    /// address (`inet_pton(3)`) in brackets, and the port a number up to 65535 (0: any free port, said in the
    /// log).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        let host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 {
            let inner = String(host.dropFirst().dropLast())
            guard IPAddressText.isIPv6(inner) else { return nil }
            self.host = inner
        } else {
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4,
                parts.allSatisfy({ part in part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && (UInt8(part) != nil) })
            else { return nil }
            self.host = String(host)
        }
        self.port = port
    }

    /// `host:port`, with the host in brackets when it is IPv6 (as in a URL).
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
