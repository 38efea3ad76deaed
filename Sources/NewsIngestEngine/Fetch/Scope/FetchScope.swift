/// Where one fetch may connect and where its redirects may lead: the rules that keep what a remote server
/// says (a link, a `Location`) from steering the daemon into a private network or off the site the operator
/// configured.
public struct FetchScope: Sendable, Equatable {
    /// Which addresses a connection may go to.
    public enum Addresses: Sendable, Equatable {
        /// Any address: the source says `allow_private_addresses = true`.
        case any
        /// A URL the operator configured: any address for itself; its redirects only to public addresses and
        /// to addresses of the kind the URL itself was on.
        case configured
        /// Public addresses, and these kinds besides.
        case publicAnd(Set<AddressKind>)

        /// True when a connection of this hop may go to an address of `kind`.
        public func permit(_ kind: AddressKind) -> Bool {
            switch self {
            case .any, .configured: true
            case .publicAnd(let kinds): kind == .public || kinds.contains(kind)
            }
        }

        /// The rule for a redirect of a hop that connected to an address of `kind`.
        func afterRedirect(from kind: AddressKind?) -> Addresses {
            switch self {
            case .configured: .publicAnd(kind.map { [$0] } ?? [])
            case .any, .publicAnd: self
            }
        }
    }

    public var addresses: Addresses
    /// The hosts redirects may go to; `nil`: any.
    public var redirectHosts: HostScope?

    /// No rule at all: tests and tools fetching what they were told to.
    public static let unrestricted = FetchScope(addresses: .any, redirectHosts: nil)

    public init(addresses: Addresses, redirectHosts: HostScope?) {
        self.addresses = addresses
        self.redirectHosts = redirectHosts
    }
}
