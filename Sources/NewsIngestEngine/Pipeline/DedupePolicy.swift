/// Whether identical content arriving twice (another path, a copy) is emitted again.
public enum DedupePolicy: String, Sendable, CaseIterable {
    /// Emitted once: a record whose content id was emitted before is skipped (the default).
    case content
    /// Emitted every time a new file version carries it.
    case none
}
