import NewsFormat

/// What became of one fetch of a URL, committed together with its output.
public struct URLOutcome: Sendable {
    /// The URL, as configured or found in an index.
    public var url: String
    /// Validators for the next conditional request (kept from before when the response had none).
    public var etag: String?
    public var lastModified: String?
    public var contentID: String?
    public var kind: FileOutcome.Kind
    /// The index the URL was found in: the link counts as taken once this is committed.
    public var index: String?

    public init(
        url: String, etag: String?, lastModified: String?, contentID: String?, kind: FileOutcome.Kind,
        index: String?
    ) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.contentID = contentID
        self.kind = kind
        self.index = index
    }
}
