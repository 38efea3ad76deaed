#if canImport(Glibc)
    import Glibc
#endif

/// What kind of network an IP address belongs to: the public internet, or one of the ranges a remote page
/// must not steer the daemon into (RFC 6890's special-purpose registries, the parts that matter for
/// server-side request forgery).
///
/// An IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible (`::a.b.c.d`) IPv6 address, and one in the NAT64
/// prefix (`64:ff9b::/96`), is the kind of the IPv4 address inside it.
public enum AddressKind: String, Sendable, CaseIterable, Comparable {
    /// Anything not below: where articles normally come from.
    case `public`
    /// `127.0.0.0/8`, `::1`.
    case loopback
    /// RFC 1918 (`10/8`, `172.16/12`, `192.168/16`) and unique local IPv6 (`fc00::/7`).
    case `private`
    /// `169.254/16` (where cloud metadata services listen) and `fe80::/10`.
    case linkLocal = "link-local"
    /// Carrier-grade NAT, `100.64/10`.
    case sharedAddressSpace = "shared"
    /// `224/4` and `ff00::/8`.
    case multicast
    /// `0.0.0.0/8` and `::`: connecting there reaches this host.
    case unspecified
    /// `240/4` (reserved, broadcast included), the IETF protocol block `192.0.0/24`, benchmarking
    /// `198.18/15`, documentation ranges: nothing a news page lives on.
    case reserved

    public static func < (lhs: AddressKind, rhs: AddressKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The kind of an IPv4 address in host byte order.
    public init(ipv4 address: UInt32) {
        func within(_ prefix: UInt32, _ bits: UInt32) -> Bool {
            bits == 0 || address >> (32 - bits) == prefix >> (32 - bits)
        }
        self =
            if within(0x7F00_0000, 8) {
                .loopback
            } else if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) {
                .private
            } else if within(0xA9FE_0000, 16) { .linkLocal } else if within(0x6440_0000, 10) {
                .sharedAddressSpace
            } else if within(0xE000_0000, 4) { .multicast } else if within(0x0000_0000, 8) {
                .unspecified
            } else if within(0xF000_0000, 4) || within(0xC000_0000, 24) || within(0xC612_0000, 15)
                || within(0xC000_0200, 24) || within(0xC633_6400, 24) || within(0xCB00_7100, 24)
            {
                .reserved
            } else { .public }
    }

    /// The kind of an IPv6 address (16 bytes, network order).
    public init(ipv6 bytes: [UInt8]) {
        precondition(bytes.count == 16, "an IPv6 address is 16 bytes")
        let embeddedIPv4 =
            UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
        let firstTen = bytes[0..<10].allSatisfy { $0 == 0 }
        if firstTen, bytes[10] == 0xFF, bytes[11] == 0xFF {  // ::ffff:a.b.c.d
            self.init(ipv4: embeddedIPv4)
        } else if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {  // 64:ff9b::/96
            self.init(ipv4: embeddedIPv4)
        } else if firstTen, bytes[10] == 0, bytes[11] == 0 {
            self =
                switch embeddedIPv4 {
                case 0: .unspecified  // ::
                case 1: .loopback  // ::1
                default: AddressKind(ipv4: embeddedIPv4)  // ::a.b.c.d, deprecated but still routed by some stacks
                }
        } else if bytes[0] & 0xFE == 0xFC {
            self = .private
        } else if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 {
            self = .linkLocal
        } else if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0xC0 {
            self = .private  // fec0::/10, the site-local addresses RFC 3879 retired
        } else if bytes[0] == 0xFF {
            self = .multicast
        } else if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x0D, bytes[3] == 0xB8 {
            self = .reserved  // 2001:db8::/32, documentation
        } else {
            self = .public
        }
    }

    /// The kind of a numeric address as text (`10.0.0.1`, `fd00::1`, `[::1]`), or `nil` for a name.
    public init?(literal: String) {
        var text = Substring(literal)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, String(text), &ipv4) == 1 {
            self.init(ipv4: UInt32(bigEndian: ipv4.s_addr))
        } else if inet_pton(AF_INET6, String(text), &ipv6) == 1 {
            self.init(ipv6: withUnsafeBytes(of: &ipv6) { Array($0) })
        } else {
            return nil
        }
    }

    /// The kind of a socket address libcurl is about to connect to (`AF_INET` or `AF_INET6`); `nil` for
    /// another family.
    public init?(socketAddress: UnsafePointer<sockaddr>) {
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            let address = UnsafeRawPointer(socketAddress).loadUnaligned(as: sockaddr_in.self)
            self.init(ipv4: UInt32(bigEndian: address.sin_addr.s_addr))
        case AF_INET6:
            var address = UnsafeRawPointer(socketAddress).loadUnaligned(as: sockaddr_in6.self)
            self.init(ipv6: withUnsafeBytes(of: &address.sin6_addr) { Array($0) })
        default:
            return nil
        }
    }
}
