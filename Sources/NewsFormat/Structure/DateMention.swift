/// A day/month(/year) mention in the text: `ngày 6/12`, `4/12`, `ngày 6 tháng 12 năm 2024`.
public struct DateMention: Sendable, Equatable, Codable {
    /// The mention as written, with `ngày` when it precedes the numbers.
    public var text: String
    /// Day of the month, 1…31.
    public var day: Int
    /// Month, 1…12.
    public var month: Int
    /// The year when written (two-digit years are taken as 20xx), else `nil`.
    public var year: Int?

    /// Creates a mention.
    public init(text: String, day: Int, month: Int, year: Int?) {
        self.text = text
        self.day = day
        self.month = month
        self.year = year
    }
}
