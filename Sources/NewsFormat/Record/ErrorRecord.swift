/// One line of the error log: a file that could not become a record, and why.
public struct ErrorRecord: Sendable, Equatable {
    /// When the error happened.
    public var time: Timestamp
    /// The file.
    public var path: String
    /// Why, in words (with a byte offset where one applies).
    public var reason: String
    /// A stable code for programs (`binary`, `empty`, `undecodable`, `io`…).
    public var code: String
    /// The file's size in bytes, when it could be read.
    public var size: Int?

    /// Creates an error record.
    public init(time: Timestamp, path: String, reason: String, code: String, size: Int?) {
        self.time = time
        self.path = path
        self.reason = reason
        self.code = code
        self.size = size
    }

    /// `{"time","path","reason","code","size"}` as one JSON line ending in `\n`.
    public func jsonLine() -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("time")
        json.timestamp(time)
        json.key("path")
        json.string(path)
        json.key("reason")
        json.string(reason)
        json.key("code")
        json.string(code)
        json.key("size")
        json.integer(size)
        json.endObject()
        json.newline()
        return json.bytes
    }
}
