import Foundation
import Logging
import NewsIngestSystem

/// What happens to a source file once its outcome is committed.
public struct FileDisposal: Sendable, Equatable {
    /// For files whose record was emitted (or was a duplicate).
    public enum After: String, Sendable, CaseIterable {
        /// Leave the file; the state store remembers it as done (the default).
        case keep
        /// Move it into ``FileDisposal/doneDirectory``.
        case move
        /// Delete it.
        case delete
    }

    public var after: After
    /// Where `move` puts files.
    public var doneDirectory: String?
    /// Where files that could not be parsed are moved; `nil` leaves them in place.
    public var quarantineDirectory: String?

    /// Keep everything in place.
    public static let keep = FileDisposal(after: .keep, doneDirectory: nil, quarantineDirectory: nil)

    public init(after: After, doneDirectory: String?, quarantineDirectory: String?) {
        self.after = after
        self.doneDirectory = doneDirectory
        self.quarantineDirectory = quarantineDirectory
    }

    /// True when `path` lies in the done or quarantine directory (never taken as new input).
    func owns(_ path: String) -> Bool {
        [doneDirectory, quarantineDirectory].contains { directory in
            directory.map { path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") } ?? false
        }
    }

    /// Applies the disposal to a committed file: `failed` files go to quarantine (never deleted), the others
    /// are kept, moved or deleted. Errors are logged; the file stays done in the state store either way.
    ///
    /// A file no longer at `path` may have been deleted, or renamed (itself or a directory above it) since it
    /// was read: it is left to the scans, which dispose of it where they find it, done (a row is found by the
    /// file's identity, not its path), and forget its row once two full scans have not found it.
    /// - Returns: true when this call took the file from `path` (moved or deleted): no scan will find it
    ///   again, so the state need not remember it.
    @discardableResult
    func apply(to path: String, failed: Bool, logger: Logger) -> Bool {
        do {
            if failed {
                guard let quarantineDirectory else { return false }
                try Self.move(path, into: quarantineDirectory)
                return true
            }
            switch after {
            case .keep: return false
            case .move: try Self.move(path, into: doneDirectory ?? ".")
            case .delete: try FileNames.remove(path)
            }
            return true
        } catch let error as SystemCallError where error.isFileMissing {
            return false  // deleted or renamed since it was read: see above
        } catch {
            logger.error("could not dispose of a committed file", metadata: ["path": "\(path)", "error": "\(error)"])
            return false
        }
    }

    private static func move(_ path: String, into directory: String) throws {
        try DirectoryMaker.make(directory)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let candidate = { (attempt: Int) in directory + "/" + name + (attempt == 1 ? "" : "." + String(attempt)) }
        do {
            _ = try UnusedName.rename(path, to: candidate)
        } catch {
            guard error.errno == EXDEV else { throw error }
            try moveAcrossFileSystems(path, into: directory, name: name, to: candidate)
        }
    }

    /// `rename` cannot leave the file system (`EXDEV`): copies the file into a hidden name in `directory`,
    /// syncs it, gives it its name there, then removes the original. A crash before the removal leaves the
    /// original in place (it is done in the state, so the next scan moves it again) and at worst a second
    /// copy in `directory`; never a lost file.
    private static func moveAcrossFileSystems(
        _ path: String, into directory: String, name: String, to candidate: (Int) -> String
    ) throws {
        let partial = directory + "/.newsingest-partial-" + name
        try? FileNames.remove(partial)  // what a crash may have left of an earlier attempt
        do {
            try copy(path, to: partial)
        } catch {
            try? FileNames.remove(partial)
            throw error
        }
        _ = try UnusedName.rename(partial, to: candidate)
        try FileNames.remove(path)
    }

    /// Copies the file at `path` to a new file `destination`, with its permissions and times (as `mv` does),
    /// and syncs the copy.
    private static func copy(_ path: String, to destination: String) throws(SystemCallError) {
        // Not waiting for a writer: were the path a FIFO by now, the writer's queue would wait for ever.
        let source = try FileDescriptor(openingForReading: path, waitingForAWriter: false)
        let copy = try FileDescriptor(openingForWriting: destination, create: true)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try source.read(into: &buffer)
            if count == 0 { break }
            try copy.writeAll(Array(buffer[..<count]))
        }
        // Best effort, as `mv` does: a copy without its mode or times is still the article.
        try? copy.takeModeAndTimes(of: source)
        try copy.synchronizeData()
    }
}
