import NewsFormat

/// What a worker (or a source, for what needs no parsing) hands the writer: a file's result or a fetched URL's.
enum PipelineResult {
    case file(FileResult)
    case url(URLResult)

    /// The record or error the result adds to the output, or nothing.
    var outcome: ResultOutcome {
        switch self {
        case .file(let file): file.outcome
        case .url(let url): url.outcome
        }
    }

    /// The file's path or the URL, as records and the state name it.
    var path: String {
        switch self {
        case .file(let file): file.path
        case .url(let url): url.commit.url
        }
    }
}

/// What reading and parsing one file, or fetching one URL, came to.
enum ResultOutcome {
    case record(line: [UInt8], id: String)
    case failure(ErrorRecord)
    /// Nothing to write: the file vanished or changed under the worker (the next event or scan takes it
    /// again), or a URL's state alone is committed (an index's validators).
    case skipped
}

/// One file read and parsed by a worker, or an error found without reading it.
struct FileResult {
    var path: String
    /// The identity the source submitted (and claimed in the in-flight set); `nil` for an error found without
    /// reading the file (a name that is not UTF-8).
    var claimed: FileIdentity?
    /// The identity of the bytes read; `nil` when nothing was read.
    var identity: FileIdentity?
    /// When the file read was made, where its file system says (see ``FileStatus/bornNanoseconds``).
    var bornNanoseconds: Int64?
    var outcome: ResultOutcome
    /// What to do with the file once committed.
    var disposal: FileDisposal = .keep
    /// The file could not be read for want of permission: it stays where it is (no quarantine), and a scan
    /// takes it again once it is readable.
    var retryWhenReadable = false
    /// What the file holds of the byte budget until it is written.
    var cost = 0

    /// What the state records of it once committed; `nil` when nothing was read.
    func committedOutcome(_ kind: FileOutcome.Kind?, contentID: String?) -> FileOutcome? {
        guard let identity, let kind else { return nil }
        return FileOutcome(
            identity: identity, path: path, contentID: contentID, kind: kind, bornNanoseconds: bornNanoseconds)
    }

    /// What is left to do for the file once its batch is committed.
    var release: FileRelease {
        var failed = false
        if case .failure = outcome { failed = true }
        return FileRelease(
            path: path, claimed: claimed, identity: identity, disposal: retryWhenReadable ? .keep : disposal,
            failed: failed)
    }
}

/// One URL fetched by a source (and parsed by a worker), or the state of an index to commit.
struct URLResult {
    var outcome: ResultOutcome
    /// What to commit for the URL (its kind is decided by the writer).
    var commit: URLOutcome
    /// Run on the writer's queue once the result is written to the files: the source may fetch another.
    var whenWritten: (@Sendable () -> Void)?
    /// Run on the writer's queue once the result is committed.
    var whenCommitted: (@Sendable () -> Void)?
}

/// A file whose batch was written: once committed, it is kept, moved or deleted, and its claim released.
struct FileRelease {
    var path: String
    var claimed: FileIdentity?
    var identity: FileIdentity?
    var disposal: FileDisposal
    var failed: Bool
}
