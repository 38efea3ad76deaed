/// Where the tone mark goes in the open syllables `oa`, `oe` and `uy`, the one place Vietnamese spelling varies.
public enum ToneStyle: String, Sendable, CaseIterable, Codable {
    /// The press and traditional style, as in the seeds and most outlets: `hòa`, `khỏe`, `thủy`.
    case press
    /// The 2018 school rule: `hoà`, `khoẻ`, `thuỷ`.
    case modern
    /// Leave the placement of `oa`, `oe`, `uy` as written; still repair placements that no style allows.
    case keep
}
