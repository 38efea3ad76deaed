#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Addresses written as text, parsed by the C library.
public enum IPAddressText {
    /// True when `text` is an IPv6 address as `inet_pton(3)` reads one (no brackets, no zone).
    public static func isIPv6(_ text: String) -> Bool {
        var bytes = in6_addr()
        return inet_pton(AF_INET6, text, &bytes) == 1
    }
}
