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
    /// - Returns: true when the file has left `path` (moved, deleted, or gone already): no scan will find it
    ///   there again, so the state need not remember it.
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
            case .delete: try SystemCall.retrying("unlink", path) { unlink(path) }
            }
            return true
        } catch let error as SystemCallError where error.isFileMissing {
            return true  // already moved or deleted
        } catch {
            logger.error("could not dispose of a committed file", metadata: ["path": "\(path)", "error": "\(error)"])
            return false
        }
    }

    private static func move(_ path: String, into directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        _ = try UnusedName.rename(path) { attempt in
            directory + "/" + name + (attempt == 1 ? "" : "." + String(attempt))
        }
    }
}
