/// Whether a record is in the output already, under the configured ``DedupePolicy``: the writer asks it of
/// every record of a batch before writing.
struct EmittedCheck {
    let state: StateStore
    let dedupe: DedupePolicy

    /// True when the record with content `id` from `path` (a file's path or a URL) is in the output already:
    /// its line was recovered after a crash (and not yet recognized as another result's, in this batch or
    /// one waiting for its commit: it is added to `recognized`), or, with `dedupe = "content"`, the same
    /// content was emitted in this batch, in one waiting for its commit, or before. With `dedupe = "none"`, a
    /// file's record is emitted already when the last version committed of the same file (`identity`'s device
    /// and inode, made at `born`, or at `path` where birth times are unknown) held the same content: a
    /// `touch`, a `chmod` or a rename is not a new article.
    func isEmitted(
        _ id: String, from path: String, identity: FileIdentity?, born: Int64?, inBatch: Set<String>,
        recognizing recognized: inout Set<RecoveredLine>, uncommitted: UncommittedBatches
    ) throws -> Bool {
        let recovered = try state.recoveredLines(for: path, id: id, file: identity, bornNanoseconds: born).first {
            !recognized.contains($0) && !uncommitted.recognized.contains($0)
        }
        if let recovered {
            recognized.insert(recovered)
            return true
        }
        guard dedupe == .content else {
            guard let identity else { return false }
            return try state.isContent(id, ofTheLastVersionOf: identity, bornNanoseconds: born, at: path)
        }
        return try inBatch.contains(id) || uncommitted.emittedIDs.contains(id) || state.hasEmitted(id)
    }
}
