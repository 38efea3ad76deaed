/// A photo caption: its text, the photo credit, and its position among the article's blocks.
public struct Caption: Sendable, Equatable, Codable {
    /// The caption without the credit (`Tổng thống Ukraine Volodymir Zelensky.`); may be empty.
    public var text: String
    /// Who took or supplied the photo (`AP`, `Thu Hằng/TTXVN`), `nil` when the caption names nobody.
    public var credit: String?
    /// Zero-based position of the caption among all non-empty blocks of the article.
    public var block: Int

    /// Creates a caption.
    public init(text: String, credit: String?, block: Int) {
        self.text = text
        self.credit = credit
        self.block = block
    }
}
