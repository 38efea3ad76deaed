/// Where ``MetricsServer`` listens: a dotted IPv4 address and a port, written `127.0.0.1:9464`.
public struct MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    /// Parses `host:port`; `nil` unless the host is four dotted numbers up to 255 and the port a number up to
    /// 65535 (0: any free port, said in the log).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        let host = String(text[..<colon])
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4,
            parts.allSatisfy({ part in part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && (UInt8(part) != nil) })
        else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
