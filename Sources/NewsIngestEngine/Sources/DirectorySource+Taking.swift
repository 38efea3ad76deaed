import Dispatch
import Logging
import NewsFormat
import NewsIngestSystem

/// What a scan or an event does with one file it found: waits for it to settle, reports a name no path reaches, or asks whether its version is new and submits it.
extension DirectorySource {
    /// True when a file a scan found may still be changing; its caller notes it to be looked at again.
    ///
    /// A file is taken when its modification time is older than the settle interval, or when scans saw the
    /// same version (size and time) for the settle interval: a writer's clock ahead of ours (a share, a copy
    /// that kept its times, an archive) dates a file in the future, and its date alone would hold it back
    /// for as long as the clocks differ.
    func isStillChanging(_ status: FileStatus) -> Bool {
        let age = WallClock.nowMilliseconds() * 1_000_000 - status.modifiedNanoseconds
        guard age < settleNanoseconds else { return false }
        let identity = FileIdentity(status)
        let now = DispatchTime.now().uptimeNanoseconds
        return watches.withLock { watches in
            let since = watches.unchanged[identity]?.since ?? now
            guard now - since < UInt64(settleNanoseconds) else {
                watches.unchanged[identity] = nil
                return false
            }
            watches.unchanged[identity] = (since, now)
            // A second and more ahead: not the few milliseconds a coarse clock may be behind.
            if age < -1_000_000_000 { watches.datedInFuture += 1 }
            return true
        }
    }

    /// Reports a file whose name (`bytes`) is not UTF-8, shown escaped in `path`: no path this daemon holds
    /// opens it, so its error goes to the error log, once per version while the daemon runs, and the file
    /// stays where it is.
    func reportUndecodable(
        _ bytes: [UInt8], path: String, in entries: DirectoryEntries, directory: String, root: Int
    ) {
        guard filters[root].accepts(FileSource.lastComponent(of: path)),
            let status = try? entries.status(ofEntryNamed: bytes), status.isRegularFile
        else { return }
        // Like any file a scan finds, it is reported only once it has stopped changing.
        if isStillChanging(status) {
            noteSettling(directory: directory, root: root)
            return
        }
        guard watches.withLock({ $0.reportedUndecodable.insert(FileIdentity(status)).inserted }) else { return }
        reportUnreachable(
            path, what: "file", consequence: "the file cannot be read", remedy: "the file a UTF-8 name to have it",
            code: "file_name_not_utf8", size: status.size)
    }

    /// Reports a subdirectory whose name (`bytes`) is not UTF-8, shown escaped in `path`: no path this daemon
    /// holds lists it, so the files in it cannot be taken. Once per directory while the daemon runs.
    func reportUndecodableDirectory(_ bytes: [UInt8], path: String, in entries: DirectoryEntries) {
        guard let status = try? entries.status(ofEntryNamed: bytes), status.isDirectory,
            watches.withLock({ $0.reportedUndecodableDirectories.insert([status.device, status.inode]).inserted })
        else { return }
        reportUnreachable(
            path, what: "directory", consequence: "the files in it cannot be read",
            remedy: "the directory a UTF-8 name to have them", code: "directory_name_not_utf8", size: nil)
    }

    /// Logs, and writes to the error log, that the `what` at `path` has a name that is not UTF-8.
    func reportUnreachable(
        _ path: String, what: String, consequence: String, remedy: String, code: String, size: Int?
    ) {
        logger.warning(
            "a \(what) name is not UTF-8, so \(consequence); it is reported and left as it is",
            metadata: ["path": "\(path)"])
        let failure = ErrorRecord(
            time: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds()), path: path,
            reason: "the \(what) name is not UTF-8 (bytes that are not are shown as \\xNN), so \(consequence); "
                + "give \(remedy) ingested",
            code: code, size: size)
        pipeline.submitFailure(failure) { [self] in stopping }
    }

    /// Submits the file at `path` unless its name is filtered out, this version is done or in flight, or
    /// (found by a scan) it changed within the settle interval. With `looksAgainIfInFlight`, a version in
    /// flight is looked at again after the settle interval: what an attribute change did to it (a mode put
    /// right) is seen only once its outcome is committed. `listing`: the directory a scan is listing, and the
    /// file's name in it. `unannounced`: found by a full scan (or left settling by one), which counts the files
    /// it takes that no event announced. `listedAsFile`: the listing's entry type says a regular file, not a
    /// symbolic link.
    /// - Returns: the file's status when it was submitted.
    @discardableResult
    func consider(
        _ path: String, root: Int, isComplete: Bool, looksAgainIfInFlight: Bool = false,
        listedIn listing: (entries: DirectoryEntries, name: String)? = nil, listedAsFile: Bool = false,
        unannounced: Bool = false
    ) -> FileStatus? {
        let name = listing?.name ?? FileSource.lastComponent(of: path)
        let disposal = directories[root].disposal
        guard filters[root].accepts(name), !disposal.owns(path) else { return nil }
        // A scan's file is looked up by its name in the directory being listed, not by its whole path.
        let status = try? listing?.entries.status(ofEntryNamed: name) ?? FileStatus(path: path)
        guard let status, status.isRegularFile else { return nil }
        // A listing that says "regular file" spares the `lstat` that asks whether it is a link.
        if directories[root].followSymlinks != .any, !listedAsFile, FileNames.isSymbolicLink(path),
            !followsLink(path, root: root, to: status)
        {
            return nil
        }
        let identity = FileIdentity(status)
        let verdict: VersionCheck.FileVerdict
        do {
            verdict = try pipeline.versions.verdict(forFileAt: path, identity: identity)
        } catch {
            logger.error("state store lookup failed", metadata: ["path": "\(path)", "error": "\(error)"])
            sweep.withValue { $0.noteIncomplete() }
            return nil
        }
        if let row = verdict.committedRow { sweep.withValue { $0.noteFound(row: row) } }
        switch verdict.decision {
        case .read:
            break
        case .inFlight:
            if looksAgainIfInFlight { noteSettling(file: path, root: root, unannounced: unannounced) }
            return nil
        case .anotherVersionInFlight:
            noteSettling(file: path, root: root, unannounced: unannounced)
            return nil
        case .stillUnreadable:
            return nil
        case .done(let row, let failed):
            finishLeftover(path, row: row, failed: failed, disposal: disposal)
            return nil
        }
        if !isComplete, isStillChanging(status) {
            noteSettling(file: path, root: root, unannounced: unannounced)
            return nil
        }
        let submitted = pipeline.submit(
            path: path, identity: identity, disposal: disposal, reportingDenial: !verdict.wasDenied
        ) { [self] in stopping }
        return submitted ? status : nil
    }

    /// The crash clean-up: a file found done may have been committed just before a crash, before the move or
    /// delete its disposal asks for. It is disposed of now; once it has left, no scan can find it again, so
    /// its row (`row`) goes, as the rows of files that leave at their commit do.
    private func finishLeftover(_ path: String, row: Int64, failed: Bool, disposal: FileDisposal) {
        guard disposal.apply(to: path, failed: failed, logger: logger) else { return }
        do {
            try state.forgetFileVersions(rows: [row])
        } catch {
            logger.error(
                "could not forget the state of a file that left", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// True when the symbolic link at `path` (to a file whose status is `target`) may be read under the
    /// directory's `follow_symlinks`; otherwise reports it, once per link and target version, and leaves it.
    /// (A link swapped after this check is caught by the worker: it reads only the version `target` names.)
    private func followsLink(_ path: String, root: Int, to target: FileStatus) -> Bool {
        let policy = directories[root].followSymlinks
        let resolved = FileAccess.realPath(path)
        if policy == .inside, let resolved, resolvedRoots.contains(where: { resolved.hasPrefix($0) }) { return true }
        let key = "\(path)\u{0}\(resolved ?? "")\u{0}\(target.device):\(target.inode):\(target.modifiedNanoseconds)"
        guard watches.withLock({ $0.reportedLinks.insert(key).inserted }) else { return false }
        let reason =
            policy == .never
            ? "a symbolic link, and follow_symlinks = \"never\": the file it points to is not read"
            : "a symbolic link to \(resolved ?? "a file") outside every watched directory, and follow_symlinks = "
                + "\"inside\": the file it points to is not read; put the file in a watched directory, or set "
                + "follow_symlinks = \"any\" to read it"
        logger.warning(
            "a symbolic link is not followed; it is reported and left as it is",
            metadata: ["path": "\(path)", "target": "\(resolved ?? "")"])
        let failure = ErrorRecord(
            time: Timestamp(millisecondsSince1970: WallClock.nowMilliseconds()), path: path, reason: reason,
            code: "symlink_not_followed", size: target.size)
        pipeline.submitFailure(failure) { [self] in stopping }
        return false
    }
}
