import Foundation

/// Runs a process in network, user and mount namespaces of its own (`unshare --user --map-root-user --net
/// --mount`) whose only interface is loopback: nothing it does can send a packet off the machine, whatever
/// addresses it tries. A shell script brings loopback up (and may bind-mount files, `/etc/hosts` say) before
/// the process starts; servers the process talks to start inside too.
public enum NetworkNamespace {
    static let arguments = ["--user", "--map-root-user", "--net", "--mount"]

    /// True where such namespaces may be made and loopback brought up and a file bind-mounted in them.
    public static let isAvailable = UserNamespace.succeeds(
        arguments + [
            "sh", "-c",
            "ip link set lo up && mount --bind /etc/hostname /etc/hosts && ! ip route get 1.1.1.1 >/dev/null 2>&1",
        ])

    /// The executable and arguments that run `script` (`sh -c`) in new namespaces after loopback is up, then
    /// let it `exec "$0" "$@"` for `binary` with `arguments`.
    public static func command(script: String, binary: URL, arguments: [String]) -> (URL, [String]) {
        (
            UserNamespace.unshare,
            Self.arguments + ["sh", "-c", "ip link set lo up || exit 90\n" + script, binary.path] + arguments
        )
    }
}
