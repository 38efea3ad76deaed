import NewsFormat
import NewsIngestSystem

/// Reads an article file (or standard input for `-`) and describes its source.
public enum ArticleFileReader {
    /// The bytes of `path` and its ``RecordSource``.
    /// - Throws: ``SystemCallError``, ``FileTooLargeError``, or ``NotARegularFileError``.
    public static func read(_ path: String, limit: Int) throws -> ([UInt8], RecordSource) {
        if path == "-" {
            let bytes = try StandardStreams.input.readAll(limit: limit)
            return (bytes, .standardInput(size: bytes.count))
        }
        let file = try readFile(path, limit: limit)
        return (file.bytes, .file(file.source))
    }

    /// Starts reading ahead the file at `path`, of `size` bytes when it was listed, for a ``read(_:limit:)``
    /// to come (see ``FileAccess/prefetch(_:length:)``): not standard input, and not a file larger than
    /// `limit`, which that read refuses without reading it.
    public static func prefetch(_ path: String, size: Int64, limit: Int) {
        guard path != "-", size <= Int64(limit) else { return }
        FileAccess.prefetch(path, length: Int(size))
    }

    /// The bytes of the regular file at `path`, its ``FileSource``, and what `fstat` said of the open file
    /// after reading (so the status describes the bytes read, even if the path is replaced meanwhile).
    /// - Throws: ``SystemCallError``, ``FileTooLargeError``, or ``NotARegularFileError``.
    public static func readFile(_ path: String, limit: Int) throws -> (
        bytes: [UInt8], source: FileSource, status: FileStatus
    ) {
        let file = try FileDescriptor(openingForReading: path, waitingForAWriter: false)
        let before = try file.status()
        guard before.isRegularFile else { throw NotARegularFileError(path: path) }
        guard before.size <= limit else { throw FileTooLargeError(path: path, limit: limit) }
        let bytes = try file.readAll(sizeHint: before.size, limit: limit, isRegularFile: true)
        let status = try file.status()
        let source = FileSource(
            path: path,
            size: bytes.count,
            modifiedAt: Timestamp(millisecondsSince1970: status.modifiedMilliseconds),
            device: status.device, inode: status.inode,
            bornAt: status.bornNanoseconds.map(Timestamp.init(nanosecondsSince1970:))
        )
        return (bytes, source, status)
    }
}

/// A path that names a directory, device or pipe rather than a file.
public struct NotARegularFileError: Error, Sendable, CustomStringConvertible {
    /// The path.
    public var path: String
    public var description: String { "not a regular file" }
}
