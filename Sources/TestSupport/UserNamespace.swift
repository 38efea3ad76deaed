import Foundation

/// Runs a process as root of user and mount namespaces of its own (`unshare --user --map-root-user
/// --mount`), where a shell script may lower the process's own limits or mount a small file system before
/// it starts, without privileges and without touching the machine's.
public enum UserNamespace {
    static let unshare = URL(fileURLWithPath: "/usr/bin/unshare")

    /// True where such namespaces may be created, a tmpfs mounted in one and its inotify limit set.
    public static let isAvailable = succeeds([
        "--user", "--map-root-user", "--mount", "sh", "-c",
        "mount -t tmpfs -o size=64k tmpfs /mnt && echo 5 > /proc/sys/user/max_inotify_watches",
    ])

    /// True when `unshare` with `arguments` runs and exits 0: whether some kind of namespace can be made here.
    static func succeeds(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = unshare
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// The executable and arguments that run `script` (`sh -c`) in new namespaces, then let it
    /// `exec "$0" "$@"` for `binary` with `arguments`.
    public static func command(script: String, binary: URL, arguments: [String]) -> (URL, [String]) {
        (unshare, ["--user", "--map-root-user", "--mount", "sh", "-c", script, binary.path] + arguments)
    }
}
