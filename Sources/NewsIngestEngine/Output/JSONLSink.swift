import Logging
import NewsFormat
import NewsIngestSystem

/// The JSONL output and its error log as a ``Sink``: complete lines appended in one `write` per batch, synced
/// before a commit, reopened when someone else moved or replaced them, rotated by size, by day, and at the
/// system's file size limit.
///
/// Opening it recovers what a crash left past the committed ends (``JSONLRecovery``). Used only on the
/// writer's queue.
final class JSONLSink: Sink {
    private let settings: PipelineSettings
    private let state: StateStore
    private let logger: Logger
    private var output: JSONLOutput
    private var errors: JSONLOutput

    /// The record lines adopted at start (written before a crash, never committed), when asked to keep them.
    private(set) var adoptedLines: [[UInt8]] = []

    /// Opens the output and the error log, and recovers what a crash left past their committed ends; keeps
    /// the lines it adopted in ``adoptedLines`` when `keepingAdoptedLines`. Commits the ends it recovered to
    /// unless `committingEnds` is false: then another sink's recovery must first deal with the lines adopted,
    /// and commits ``committedEnds`` with its own (see ``NATSRecovery``).
    init(
        settings: PipelineSettings, state: StateStore, logger: Logger, keepingAdoptedLines: Bool = false,
        committingEnds: Bool = true
    ) throws {
        self.settings = settings
        self.state = state
        self.logger = logger
        output = try JSONLOutput(path: settings.outputPath)
        errors = try JSONLOutput(path: settings.errorsPath)
        var recovery = JSONLRecovery(state: state, logger: logger)
        var kept: [[UInt8]] = []
        if keepingAdoptedLines { recovery.keepLine = { kept.append($0) } }
        defer { adoptedLines = kept }
        if !output.isStream {
            try recovery.recover(output)
            if committingEnds { try state.commit([], ends: [output.end]) }
        }
        if !errors.isStream {
            try recovery.discardUncommittedErrors(errors)
            if committingEnds { try state.commit([], ends: [errors.end]) }
        }
    }

    var committedEnds: [OutputEnd] { Self.ends(of: output, errors) }

    /// True when the output is standard output, a pipe or a device (`/dev/null`): nothing written to it can
    /// be read back at the next start.
    var outputIsStream: Bool { output.isStream }

    /// The committed ends to record for these files (none for standard output).
    private static func ends(of files: JSONLOutput...) -> [OutputEnd] {
        files.filter { !$0.isStream }.map(\.end)
    }

    func prepare(forBatchOf bytes: Int, commitWaiting: () -> Int) throws {
        try reopenIfChangedOutside(commitWaiting: commitWaiting)
        try rotateIfDue(adding: bytes, commitWaiting: commitWaiting)
    }

    func write(_ batch: SinkBatch) throws {
        var lines: [UInt8] = []
        lines.reserveCapacity(batch.recordBytes)
        for record in batch.records { lines += record.line }
        let ends = (output: output.size, errors: errors.size)
        do {
            try output.append(lines)
            try errors.append(batch.errorLines)
        } catch {
            // A failed or short write may leave a partial line, and the output's lines must not stay without
            // the error log's: both are cut back to where the batch began.
            output.cutBack(to: ends.output)
            errors.cutBack(to: ends.errors)
            throw error
        }
    }

    func makeDurable(_ policy: SyncPolicy) throws {
        guard policy != .never else { return }
        try output.synchronize()
        try errors.synchronize()
    }

    func reopen(commitWaiting: () -> Int) throws {
        guard !output.isStream else { return }
        // What is written but not committed belongs to the files being closed: commit it first, and keep them
        // while that fails (see ``UncommittedOutputError``).
        let waiting = commitWaiting()
        guard waiting == 0 else { throw UncommittedOutputError(files: waiting) }
        let newOutput = try openMakingItsDirectory(settings.outputPath)
        let newErrors = try openMakingItsDirectory(settings.errorsPath)
        // What is in a freshly opened file was put there by someone else (logrotate's `create`), not by an
        // unfinished batch: its size is its committed end.
        try state.commit([], ends: Self.ends(of: newOutput, newErrors))
        output = newOutput
        errors = newErrors
    }

    /// Opens the file at `path` for appending; when its directory is gone (someone cleaned up `out/` while the
    /// daemon ran), makes it again, as at start, rather than waiting for ever for someone to.
    private func openMakingItsDirectory(_ path: String) throws -> JSONLOutput {
        if let directory = JSONLOutput.directory(containing: path), (try? FileStatus(path: directory)) == nil {
            try DirectoryMaker.make(directory)
            logger.warning(
                "the directory of a file the daemon writes was removed; made it again",
                metadata: ["directory": "\(directory)", "path": "\(path)"])
        }
        return try JSONLOutput(path: path)
    }

    /// Reopens the output and the error log when someone removed, moved, replaced or truncated either since
    /// the last batch, so that no line goes into a file nobody will read: `logrotate` without the `SIGHUP`
    /// of its `postrotate`, an `rm`, or `copytruncate`.
    private func reopenIfChangedOutside(commitWaiting: () -> Int) throws {
        var changed = false
        for file in [output, errors] {
            guard let change = file.outsideChange() else { continue }
            changed = true
            // Logrotate should send SIGHUP in postrotate, and use create rather than copytruncate.
            logger.warning(
                "a file the daemon writes was changed by someone else; opening its path anew",
                metadata: ["path": "\(file.path)", "change": "\(change.rawValue)"])
        }
        if changed { try reopen(commitWaiting: commitWaiting) }
    }

    /// Rotates the output when the batch would take it past `rotateBytes`, or on a new UTC day.
    private func rotateIfDue(adding bytes: Int, commitWaiting: () -> Int) throws {
        guard !output.isStream, output.size > 0 else { return }
        let today = WallClock.nowMilliseconds() / 86_400_000
        let bySize = settings.rotateBytes > 0 && output.size + Int64(bytes) > Int64(settings.rotateBytes)
        let byDay = settings.rotateDaily && today != output.openedDay
        guard bySize || byDay else { return }
        try rotate(.output, reason: bySize ? "size" : "date", commitWaiting: commitWaiting)
    }

    /// The two files the sink appends to, by what the log calls them.
    private enum WrittenFile: String {
        case output
        case errorLog = "error log"
    }

    private func file(_ which: WrittenFile) -> JSONLOutput { which == .output ? output : errors }

    /// Renames the output (or the error log) to a dated name beside it and opens a new one at its path.
    /// - Returns: false when it waits: what the file holds could not be committed first.
    @discardableResult
    private func rotate(_ which: WrittenFile, reason: String, commitWaiting: () -> Int) throws -> Bool {
        // Commit what the file holds before it is renamed: the committed end belongs to the path. When that
        // fails (the writer pauses), the file keeps its lines and its name: renamed, its uncommitted lines
        // would be synced by no later commit, and a crash would leave them where start-up does not look, so
        // their files would be taken and written again. The rotation waits for a batch after the pause.
        guard commitWaiting() == 0 else { return false }
        let open = file(which)
        let rotated = try open.rename()
        try reopen(commitWaiting: commitWaiting)
        logger.info(
            "rotated the \(which.rawValue)",
            metadata: ["path": "\(open.path)", "to": "\(rotated)", "reason": "\(reason)"])
        return true
    }

    /// When the output or the error log had reached the largest file the system lets the daemon write
    /// (`EFBIG`: systemd's `LimitFSIZE=`, a FAT file system's 4 GiB), no pause can help, so that file is
    /// rotated (the output as `output.rotate_bytes` would have), and the batch goes into the new file at once.
    /// An empty file is not rotated: a batch larger than the limit waits as after any failure.
    func mend(after error: any Error, commitWaiting: () -> Int) -> Bool {
        guard let error = error as? SystemCallError, error.isFileTooLarge,
            let which = [WrittenFile.output, .errorLog].first(where: { file($0).path == error.subject })
        else { return false }
        let open = file(which)
        guard !open.isStream, open.size > 0 else { return false }
        let advice = which == .output ? " (set output.rotate_bytes below the limit to rotate before)" : ""
        logger.warning(
            "the \(which.rawValue) reached the largest file size the system allows; rotating it\(advice)",
            metadata: ["path": "\(open.path)", "size": "\(open.size)"])
        do {
            return try rotate(which, reason: "limit", commitWaiting: commitWaiting)
        } catch {
            logger.error("could not rotate the \(which.rawValue)", metadata: ["error": "\(error)"])
            return false
        }
    }
}
