/// The encodings an article's bytes can arrive in; the raw value is what records report in `encoding`.
public enum TextEncoding: String, Sendable, CaseIterable, Codable {
    case utf8 = "utf-8"
    case utf8BOM = "utf-8-bom"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    case windows1258 = "windows-1258"
    case tcvn3 = "tcvn3"
    case vni = "vni"

    /// The 8-bit Vietnamese encodings tried, in this order, when the bytes are not UTF-8.
    static let legacy: [TextEncoding] = [.windows1258, .tcvn3, .vni]
}
