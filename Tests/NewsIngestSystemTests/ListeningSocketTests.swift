import NewsIngestSystem
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The listening socket of the metrics server, on either address family.
@Suite struct ListeningSocketTests {
    @Test func anIPv4SocketTakesConnectionsOnItsAddressAndSaysItsPort() throws {
        let socket = try ListeningSocket(address: "127.0.0.1", port: 0)
        #expect(socket.port != 0)
        let client = try #require(RawHTTPRequest.connect(toPort: socket.port))
        close(client)
        #expect(throws: SystemCallError.self) { try ListeningSocket(address: "localhost", port: 0) }
    }

    /// `::` takes IPv4 connections too, whatever the system's default; `::1` only IPv6 ones.
    @Test(.enabled(if: RawHTTPRequest.hasIPv6Loopback, "this machine has no IPv6 loopback"))
    func anIPv6SocketOnEveryAddressTakesIPv4ConnectionsToo() throws {
        let any = try ListeningSocket(address: "::", port: 0)
        for host in ["::1", "127.0.0.1"] {
            let client = try #require(RawHTTPRequest.connect(toPort: any.port, host: host), "\(host)")
            close(client)
        }
        let loopback = try ListeningSocket(address: "::1", port: 0)
        let client = try #require(RawHTTPRequest.connect(toPort: loopback.port, host: "::1"))
        close(client)
        #expect(RawHTTPRequest.connect(toPort: loopback.port, host: "127.0.0.1") == nil)
    }
}
