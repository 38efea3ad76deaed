/// Where and how the JetStream sink publishes (`[output.nats]`), and how `newsingest tail` connects.
public struct NATSSettings: Sendable, Equatable {
    /// The servers, tried in turn (`nats://host:port`, `tls://host:port`; user and password may be in the URL).
    public var servers: [String]
    /// The stream the records go into; made at start when missing.
    public var stream = "NEWSINGEST"
    /// The subject each record is published on.
    public var subject = "newsingest.articles"
    /// A `.creds` file (a user JWT and its NKey seed), for servers run with accounts.
    public var credentialsFile: String?
    /// A file holding an NKey seed (`SU…`), for servers that authenticate by NKey.
    public var nkeySeedFile: String?
    /// A token, for servers run with `authorization { token }`.
    public var token: String?
    /// A CA certificate file (PEM) the servers' TLS certificates are checked against; set, TLS is required.
    public var caFile: String?
    /// Seconds one connection attempt may take.
    public var connectTimeoutSeconds = 5.0
    /// Seconds the sink waits for the acknowledgements of what it published before it calls the server
    /// unavailable and pauses (what is unacknowledged is published again, under the same ids, after the pause).
    public var ackTimeoutSeconds = 10.0
    /// Publications awaiting their acknowledgement at once; past it, publishing waits.
    public var maxPendingAcks = 4096
    /// The stream's duplicate window, in seconds, when the sink makes the stream.
    public var duplicateWindowSeconds = 120.0
    /// The stream's limits when the sink makes it: age in seconds and bytes (0: none).
    public var maxAgeSeconds = 0.0
    public var maxBytes: Int64 = 0
    /// What the stream does at its limits when the sink makes it: drop the oldest (`old`) or refuse the new
    /// (`new`: a refused record becomes an error record).
    public var discard = Discard.old

    /// What a stream at its limits gives up.
    public enum Discard: String, Sendable, CaseIterable {
        case old, new
    }

    /// Settings for `servers`, everything else as its default.
    public init(servers: [String]) {
        self.servers = servers
    }

    /// Why `name` cannot name a stream or a consumer (or, at most 40 bytes, a cluster); `nil` when it can.
    public static func problem(withName name: String, maxBytes: Int = 64) -> String? {
        isValidName(name) && name.utf8.count <= maxBytes
            ? nil : "must be letters, digits, - and _ (at most \(maxBytes))"
    }

    /// Why `subject` cannot be published on; `nil` when it can.
    public static func problem(withSubject subject: String) -> String? {
        isPublishableSubject(subject) ? nil : "must be dot-separated tokens of printable ASCII, without spaces, * or >"
    }

    /// True when `subject` can be published on: dot-separated tokens of printable ASCII without spaces or
    /// wildcards, none empty.
    public static func isPublishableSubject(_ subject: String) -> Bool {
        guard !subject.isEmpty, subject.utf8.count <= 255 else { return false }
        var tokenLength = 0
        for byte in subject.utf8 {
            if byte == UInt8(ascii: ".") {
                guard tokenLength > 0 else { return false }
                tokenLength = 0
                continue
            }
            guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "*"), byte != UInt8(ascii: ">") else { return false }
            tokenLength += 1
        }
        return tokenLength > 0
    }

    /// True when `name` can name a stream or a consumer: letters, digits, `-` and `_`, at most 64 bytes.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2D
                    || byte == 0x5F
            }
    }
}
