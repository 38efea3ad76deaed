import Logging
import NewsFormat
import NewsIngestSystem

/// What start-up does with what a crash left past the committed ends of the output and the error log: the
/// output's whole lines are adopted (they stand for their files, which are not emitted again) and a torn last
/// line cut; the error log's uncommitted lines are cut (their files are taken again and fail again).
///
/// When the file committed last is another than the one at the path now, and lies renamed beside it
/// (`logrotate` moved it, and the crash came before the daemon reopened the path), that is where the crash
/// left them.
struct JSONLRecovery {
    let state: StateStore
    let logger: Logger
    /// Given each record line adopted, when another sink needs them (see ``NATSRecovery``).
    var keepLine: (([UInt8]) -> Void)?

    /// Recovers what a crash left past the committed end of `output`.
    func recover(_ output: JSONLOutput) throws {
        let committed = try state.committedEnd(ofOutput: output.path)
        if let committed, let renamed = Self.renamedFile(of: committed, besides: output) {
            try adopt(from: JSONLOutput(path: renamed), after: committed.offset)
            return
        }
        let offset = committed?.offset ?? 0
        if let committed, !committed.mayBe(device: output.opened.device, inode: output.opened.inode) {
            logger.info(
                "the output is another file than the one committed last, which was moved elsewhere, compressed or deleted",
                metadata: [
                    "path": "\(output.path)", "committed_inode": "\(committed.file.map { "\($0.inode)" } ?? "")",
                ])
        } else if output.size < offset {
            logger.warning(
                "output is shorter than its committed end; it was truncated or replaced by hand",
                metadata: ["path": "\(output.path)", "size": "\(output.size)", "committed": "\(offset)"])
        }
        try adopt(from: output, after: min(offset, output.size))
    }

    /// Adopts the whole lines of `file` past `offset`, and cuts a torn last line, saying so.
    private func adopt(from file: JSONLOutput, after offset: Int64) throws {
        let recovery = try file.recover(committedOffset: offset, keepLine: keepLine) { lines in
            try state.adoptRecoveredLines(lines.map(Self.findingItsFile))
        }
        if recovery.cutBytes > 0 {
            logger.warning(
                "cut a torn last line left by a crash",
                metadata: ["path": "\(file.path)", "bytes": "\(recovery.cutBytes)"])
        }
        if recovery.adoptedLines > 0 || recovery.unreadableLines > 0 {
            logger.notice(
                "adopted lines written before a crash but not committed",
                metadata: [
                    "path": "\(file.path)", "lines": "\(recovery.adoptedLines)",
                    "unreadable": "\(recovery.unreadableLines)",
                ])
        }
    }

    /// Cuts the error lines past the committed end of the error log (in the file committed last, when it lies
    /// renamed beside the path): they belong to a batch a crash cut short, whose files are taken again and
    /// fail again, so the lines are cut rather than kept twice (or torn).
    func discardUncommittedErrors(_ errors: JSONLOutput) throws {
        guard let committed = try state.committedEnd(ofOutput: errors.path) else { return }
        let file = try Self.renamedFile(of: committed, besides: errors).map(JSONLOutput.init(path:)) ?? errors
        let cut = try file.discardUncommitted(committedOffset: committed.offset)
        if cut > 0 {
            logger.notice(
                "cut error lines of a batch that was not committed; its files are taken again",
                metadata: ["path": "\(file.path)", "bytes": "\(cut)"])
        }
    }

    /// The path of the file `committed` names when it is not the file open as `current` and lies renamed in
    /// the same directory; `nil` when it is the same file, the end names none (an earlier schema), or it is
    /// not found there.
    private static func renamedFile(of committed: OutputEnd, besides current: JSONLOutput) -> String? {
        guard let file = committed.file, !committed.mayBe(device: current.opened.device, inode: current.opened.inode)
        else { return nil }
        return JSONLOutput.renamedFile(of: current.path, device: file.device, inode: file.inode)
    }

    /// `line` with the file found at its path when that is the file its record describes (its size and
    /// modification time), and its file system keeps birth times: so the line is recognized as that file's,
    /// renamed or touched before it is read again. A record that gives its file's birth time needs no look.
    private static func findingItsFile(_ line: AdoptedLine) -> AdoptedLine {
        guard line.recorded == nil, let path = line.path, let file = line.file,
            let status = try? FileStatus(withBirthTimeOf: path),
            status.isRegularFile, status.size == file.size,
            Timestamp(millisecondsSince1970: status.modifiedMilliseconds).rfc3339 == file.modifiedAt,
            let born = status.bornNanoseconds
        else { return line }
        var found = line
        found.found = (status.device, status.inode, born)
        return found
    }
}
