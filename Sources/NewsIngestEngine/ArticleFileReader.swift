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
        let file = try FileDescriptor(openingForReading: path)
        let status = try file.status()
        guard status.isRegularFile else { throw NotARegularFileError(path: path) }
        guard status.size <= limit else { throw FileTooLargeError(path: path, limit: limit) }
        let bytes = try file.readAll(sizeHint: status.size, limit: limit)
        let source = FileSource(
            path: path,
            size: bytes.count,
            modifiedAt: Timestamp(millisecondsSince1970: status.modifiedMilliseconds)
        )
        return (bytes, .file(source))
    }
}

/// A path that names a directory, device or pipe rather than a file.
public struct NotARegularFileError: Error, Sendable, CustomStringConvertible {
    /// The path.
    public var path: String
    public var description: String { "not a regular file" }
}
