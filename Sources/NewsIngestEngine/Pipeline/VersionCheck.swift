import NewsIngestSystem

/// The one answer to "is this new?", asked by every part that could take the same work twice: a directory
/// source of a file version it found (``verdict(forFileAt:identity:)``), a URL source of the links an index
/// lists (``untakenLinks(among:)``), and the writer of each record it is about to write
/// (``isEmitted(_:from:identity:born:inBatch:recognizing:uncommitted:)``).
///
/// It reads what is in flight (``Admission``) before the state: the writer commits a file before it releases
/// it, so a version found released is found committed next (the other order could miss both and take it
/// twice).
struct VersionCheck: Sendable {
    let state: StateStore
    let admission: Admission
    let dedupe: DedupePolicy

    /// What a source should do with a file version it found.
    struct FileVerdict: Equatable {
        enum Decision: Equatable {
            /// Never taken, or worth reading again: submit it.
            case read
            /// This version is being read, parsed or written.
            case inFlight
            /// Another version of the same file (device and inode) is in flight: the worker may have read it
            /// as it is now, so it is looked at again once that one is committed.
            case anotherVersionInFlight
            /// Committed as unreadable (no permission) and unreadable still: reported once, left where it is.
            case stillUnreadable
            /// Done: committed in `row` as emitted, a duplicate or (`failed`) an error. A crash may have come
            /// between the commit and the move or delete it asks for (``FileDisposal``).
            case done(row: Int64, failed: Bool)
        }

        var decision: Decision
        /// The state's row for this version, when one was committed (the gone-file sweep notes it found).
        var committedRow: Int64?
        /// True when this version was committed as unreadable and is read again because `access(2)` now says
        /// it may be: a denial again is not reported again (`access` can say yes where `open` says no, as for
        /// a link to `/proc/1/environ`, and a report at every rescan would fill the error log).
        var wasDenied = false
    }

    /// Whether the version `identity` of the file at `path` is new.
    /// - Throws: ``SQLiteError`` when the state cannot be read; the file is then left for the next scan.
    func verdict(forFileAt path: String, identity: FileIdentity) throws(SQLiteError) -> FileVerdict {
        switch admission.flightStatus(of: identity) {
        case .thisVersion: return FileVerdict(decision: .inFlight)
        case .anotherVersion: return FileVerdict(decision: .anotherVersionInFlight)
        case .none: break
        }
        guard let committed = try state.committedVersion(of: identity) else { return FileVerdict(decision: .read) }
        let decision: FileVerdict.Decision
        if committed.kind == .unreadable {
            // Taken again once its owner or mode lets us read it.
            guard FileAccess.isReadable(path) else {
                return FileVerdict(decision: .stillUnreadable, committedRow: committed.row)
            }
            var verdict = FileVerdict(decision: .read, committedRow: committed.row)
            verdict.wasDenied = true
            return verdict
        } else if committed.kind != .failed, let changed = committed.changedNanoseconds,
            changed != identity.changedNanoseconds
        {
            // Same size and time, but its inode changed since: another file on the inode of one deleted since
            // (an archive's files share their times), or the same one after a `chmod` or a rename. It is read
            // again, and its content decides: a duplicate, or a new record. (A failed file is not: its failure
            // is reported once.)
            decision = .read
        } else {
            decision = .done(row: committed.row, failed: committed.kind == .failed)
        }
        return FileVerdict(decision: decision, committedRow: committed.row)
    }

    /// The links of `listed` (an index's, as polled now) never taken through any index: those to fetch. An
    /// article two indexes list is fetched once.
    /// - Throws: what reading the state throws; the caller fetches every link then, and the writer, which
    ///   reads the same state to know what was emitted, waits until it can, so nothing is written twice.
    func untakenLinks(among listed: [String]) throws -> [String] {
        let taken = try state.takenLinks(among: listed)
        return listed.filter { !taken.contains($0) }
    }

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
