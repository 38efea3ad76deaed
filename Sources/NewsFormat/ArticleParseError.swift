/// Why a file's bytes could not become a record.
///
/// The `description` says what was wrong and where (a byte offset where one applies), in words a person can
/// act on; `code` is stable for programs (the daemon's error log carries it).
public struct ArticleParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure it was.
    public enum Code: String, Sendable {
        /// The input holds no text at all (zero bytes, or only white space).
        case empty
        /// A NUL byte: the input is binary data, not text.
        case binary
        /// Too many control characters for text.
        case controlCharacters = "control_characters"
        /// Neither UTF-8 nor any legacy Vietnamese encoding fits the bytes.
        case undecodable
        /// More lines of text than any article holds (``ArticleParser/maxBlocks``): its record would be many
        /// times the size of its input (a file of millions of one-letter lines made millions of captions).
        case recordTooLarge = "record_too_large"
        /// Parsing took longer than its deadline (``ParseDeadline``, `pipeline.max_parse_seconds` in the daemon).
        case parseTimeout = "parse_timeout"
    }

    /// What kind of failure it was.
    public var code: Code
    /// Byte offset in the input where the problem was found, when there is one.
    public var offset: Int?
    /// Why, in words.
    public var reason: String

    /// Creates an error.
    public init(_ code: Code, offset: Int? = nil, reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        if let offset { return "\(reason) (at byte offset \(offset))" }
        return reason
    }
}
