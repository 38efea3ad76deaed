import Logging
import ServiceLifecycle

/// Watches that the state database is still the file the daemon locked: every second, and the daemon stops
/// (exit status 1, so systemd restarts it) as soon as the file or its directory was removed or replaced.
///
/// The lock that keeps a second daemon off the same paths lives in that file. Deleted with its directory
/// (a clean-up script, `rm -rf /var/lib/newsingest/state`), it is gone silently: a second daemon started on the
/// same paths creates a new database, takes its lock, and the two write every new file to the output twice.
/// Stopping is safe: what was written and not committed is adopted from the output at the next start, which
/// creates the state anew and takes its lock before taking any file.
struct StateGuardService: Service {
    let state: StateStore
    let logger: Logger
    /// Seconds between two looks.
    let interval: Duration
    /// Runs once, when the file is found displaced, before the group shuts down.
    let displaced: @Sendable (String) -> Void

    /// Why the daemon stopped.
    struct StateDisplacedError: Error, CustomStringConvertible {
        let change: String
        var description: String { "the state database is gone from under the daemon: \(change)" }
    }

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            if let change = state.displacement() {
                logger.critical(
                    """
                    the state database was removed or replaced while the daemon ran: stopping, so that no second \
                    daemon shares the output with this one; the next start creates the state anew and adopts the \
                    output's lines
                    """,
                    metadata: ["change": "\(change)"])
                displaced(change)
                throw StateDisplacedError(change: change)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
