/// How the writer makes batches durable before they count as committed in the state store.
public enum SyncPolicy: String, Sendable, CaseIterable {
    /// `fdatasync`, then the state commit, as soon as the writer is idle; a busy writer syncs and commits the
    /// batches written meanwhile together (the default: exactly once across power loss).
    case batch
    /// `fdatasync` at most every `fsync_interval` seconds; batches written in between are committed to the
    /// state only with the sync that makes them durable. Lines appear in the output at once; exactly once
    /// holds across power loss too, and a busy daemon syncs far less often.
    case interval
    /// Never: the kernel writes back when it likes (exactly once across process crashes only).
    case never
}
