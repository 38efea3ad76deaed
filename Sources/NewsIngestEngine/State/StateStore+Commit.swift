import CSQLite
import NewsFormat
import NewsIngestSystem

/// The one transaction per batch that makes its outcomes count, across every table family.
extension StateStore {
    /// Commits a batch: the outcomes of its files, the content ids it emitted (or found again: they are seen
    /// today), and the new ends of the files it appended to (the output and the error log). The rows of
    /// `forgetting` go first: files moved or deleted after an earlier commit, which no scan can find again.
    /// (Their contents stay remembered.)
    /// `recognized`: recovered lines (``recoveredLines(for:id:file:bornNanoseconds:)``) that results of the
    /// batch turned out to be;
    /// they are consumed with the outcomes that say so.
    public func commit(
        _ outcomes: [FileOutcome], urls: [URLOutcome] = [], ends: [OutputEnd],
        forgetting departed: [FileIdentity] = [], recognized: [RecoveredLine] = []
    ) throws {
        let day = SQLiteValue.integer(today())
        try database.withLock { connection in
            try connection.database.transaction {
                for identity in departed { try connection.fileVersions.deleteFile.run(Self.key(identity)) }
                for line in recognized {
                    try connection.outputs.deleteRecovered.run([.text(line.path), .text(line.id)])
                }
                for outcome in urls {
                    // An index's link is fetched once, never asked again: its row in `links` is all it needs.
                    // Validators are kept for the URLs polled (articles and indexes).
                    if outcome.index == nil {
                        try connection.links.setURL.run([
                            .text(outcome.url), outcome.etag.map(SQLiteValue.text) ?? .null,
                            outcome.lastModified.map(SQLiteValue.text) ?? .null,
                            outcome.contentID.map(SQLiteValue.text) ?? .null, .text(outcome.kind.rawValue),
                        ])
                    }
                    if outcome.kind != .failed, let id = outcome.contentID {
                        try connection.contents.insertContent.run([Self.key(ofContent: id), day])
                    }
                    if let index = outcome.index {
                        try connection.links.insertLink.run([.text(index), .text(outcome.url), day])
                    }
                }
                for outcome in outcomes {
                    // The content a kept file holds, so that a content stays remembered while a file holding
                    // it is there, and a file whose times change without its content is known (kept only when
                    // one of them is asked).
                    let contentKey =
                        recordsFileContents && outcome.kind != .failed
                        ? outcome.contentID.map(Self.key(ofContent:)) ?? .null : .null
                    try connection.fileVersions.insertFile.run(
                        Self.key(outcome.identity) + [
                            .text(outcome.path), .text(outcome.kind.rawValue), contentKey,
                            .integer(connection.nextFileVersionRow), .integer(outcome.identity.changedNanoseconds),
                            recordsFileContents ? outcome.bornNanoseconds.map(SQLiteValue.integer) ?? .null : .null,
                        ])
                    // A commit that fails after this leaves a gap in the numbers, which is harmless.
                    connection.nextFileVersionRow += 1
                    if outcome.kind != .failed, let id = outcome.contentID {
                        try connection.contents.insertContent.run([Self.key(ofContent: id), day])
                    }
                }
                for end in ends {
                    try connection.outputs.setOutputOffset.run([
                        .text(end.path), .integer(end.offset),
                        end.file.map { .integer(Int64(bitPattern: $0.device)) } ?? .null,
                        end.file.map { .integer(Int64(bitPattern: $0.inode)) } ?? .null,
                    ])
                }
            }
        }
    }
}
