/// One line of output: a parsed article, where it came from, and when it was ingested
/// (schema `newsingest.article/1`).
public struct ArticleRecord: Sendable, Equatable {
    /// The schema name every record carries.
    public static let schema = "newsingest.article/1"

    /// The article.
    public var article: ParsedArticle
    /// Where it came from.
    public var source: RecordSource
    /// When it was ingested.
    public var ingestedAt: Timestamp

    /// Creates a record.
    public init(article: ParsedArticle, source: RecordSource, ingestedAt: Timestamp) {
        self.article = article
        self.source = source
        self.ingestedAt = ingestedAt
    }

    /// The record as one JSON line, ending in `\n`, keys in schema order.
    public func jsonLine() -> [UInt8] {
        let article = self.article
        let text = article.text
        var json = JSONWriter(capacity: text.utf8.count * 2 + 1024)
        json.beginObject()
        json.key("schema")
        json.string(Self.schema)
        json.key("id")
        json.string(article.id)
        json.key("source")
        writeSource(&json)
        json.key("ingested_at")
        json.timestamp(ingestedAt)
        json.key("encoding")
        json.string(article.encoding.rawValue)
        json.key("language")
        json.string(article.language)
        json.key("title")
        json.string(article.title)
        json.key("outlet")
        if let outlet = article.outlet {
            json.beginObject()
            json.key("code")
            json.string(outlet.code)
            json.key("name")
            json.string(outlet.name)
            json.endObject()
        } else {
            json.null()
        }
        json.key("dateline")
        json.string(article.dateline)
        json.key("lead")
        var escapedBody: [Range<Int>] = []
        escapedBody.reserveCapacity(article.paragraphs.count + 1)
        if let lead = json.stringReturningContents(article.lead) { escapedBody.append(lead) }
        json.key("paragraphs")
        json.beginArray()
        for paragraph in article.paragraphs {
            if let contents = json.stringReturningContents(paragraph) { escapedBody.append(contents) }
        }
        json.endArray()
        json.key("text")
        if article.isTextLeadAndParagraphs {
            // The text is the lead and paragraphs just written, joined by a blank line: their escaped bytes are
            // copied rather than escaped again (escaping is byte by byte, and `\n\n` ends every piece).
            json.stringOfEscapedContents(escapedBody, separator: "\\n\\n")
        } else {
            json.string(text)
        }
        json.key("captions")
        json.beginArray()
        for caption in article.captions {
            json.beginObject()
            json.key("text")
            json.string(caption.text)
            json.key("credit")
            json.string(caption.credit)
            json.key("block")
            json.integer(caption.block)
            json.endObject()
        }
        json.endArray()
        json.key("byline")
        json.string(article.byline)
        json.key("quotes")
        writeStrings(article.quotes, to: &json)
        json.key("dates")
        json.beginArray()
        for date in article.dates {
            json.beginObject()
            json.key("text")
            json.string(date.text)
            json.key("day")
            json.integer(date.day)
            json.key("month")
            json.integer(date.month)
            json.key("year")
            json.integer(date.year)
            json.endObject()
        }
        json.endArray()
        let stats = article.stats
        json.key("stats")
        json.beginObject()
        json.key("characters")
        json.integer(stats.characters)
        json.key("words")
        json.integer(stats.words)
        json.key("paragraphs")
        json.integer(stats.paragraphs)
        json.endObject()
        json.key("simhash")
        json.hexString(article.simhash.value)
        json.key("warnings")
        writeStrings(article.warnings, to: &json)
        json.endObject()
        json.newline()
        return json.bytes
    }

    private func writeSource(_ json: inout JSONWriter) {
        json.beginObject()
        switch source {
        case .file(let file):
            json.key("type")
            json.string("file")
            json.key("path")
            json.string(file.path)
            json.key("name")
            json.string(file.name)
            json.key("seq")
            json.integer(file.sequence)
            json.key("key")
            json.string(file.key)
            json.key("size")
            json.integer(file.size)
            json.key("modified_at")
            json.timestamp(file.modifiedAt)
            json.key("device")
            json.integer(file.device.flatMap { Int(exactly: $0) })
            json.key("inode")
            json.integer(file.inode.flatMap { Int(exactly: $0) })
            json.key("born_at")
            json.timestamp(file.bornAt)
        case .url(let fetched):
            json.key("type")
            json.string("url")
            json.key("url")
            json.string(fetched.url)
            json.key("final_url")
            json.string(fetched.finalURL)
            json.key("status")
            json.integer(fetched.status)
            json.key("etag")
            json.string(fetched.etag)
            json.key("last_modified")
            json.string(fetched.lastModified)
            json.key("fetched_at")
            json.timestamp(fetched.fetchedAt)
        case .standardInput(let size):
            json.key("type")
            json.string("stdin")
            json.key("path")
            json.null()
            json.key("name")
            json.null()
            json.key("seq")
            json.null()
            json.key("key")
            json.null()
            json.key("size")
            json.integer(size)
            json.key("modified_at")
            json.null()
            json.key("device")
            json.null()
            json.key("inode")
            json.null()
            json.key("born_at")
            json.null()
        }
        json.endObject()
    }

    private func writeStrings(_ strings: [String], to json: inout JSONWriter) {
        json.beginArray()
        for string in strings { json.string(string) }
        json.endArray()
    }
}
