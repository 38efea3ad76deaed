/// A news outlet and the ways its lead prefix is spelled (`TPO - `, `(Dân trí) - `).
public struct Outlet: Sendable, Equatable, Codable {
    /// A short stable code (`TPO`, `DANTRI`), as records report it.
    public var code: String
    /// The outlet's name (`Tiền Phong`).
    public var name: String
    /// Prefix spellings as they open a lead, without the dash (`TPO`, `(Dân trí)`). Matched exactly.
    public var prefixes: [String]

    /// Creates an outlet.
    public init(code: String, name: String, prefixes: [String]) {
        self.code = code
        self.name = name
        self.prefixes = prefixes
    }
}
