/// The outlets whose lead prefixes the parser recognises; the one place they are listed.
///
/// Extend it with ``adding(_:)`` (configuration will). A later outlet with a known code replaces the
/// earlier one.
public struct OutletTable: Sendable, Equatable {
    /// The outlets, in lookup order.
    public private(set) var outlets: [Outlet]
    /// (prefix, outlet index), longest prefix first so `VOV.VN` wins over `VOV`.
    private var spellings: [(prefix: [UInt8], outlet: Int)]

    /// Creates a table from outlets.
    public init(_ outlets: [Outlet]) {
        self.outlets = []
        self.spellings = []
        for outlet in outlets { add(outlet) }
    }

    /// The table with `extra` outlets added (or replacing those with the same code).
    public func adding(_ extra: [Outlet]) -> OutletTable {
        var table = self
        for outlet in extra { table.add(outlet) }
        return table
    }

    private mutating func add(_ outlet: Outlet) {
        if let existing = outlets.firstIndex(where: { $0.code == outlet.code }) {
            outlets[existing] = outlet
        } else {
            outlets.append(outlet)
        }
        // `Ð` (U+00D0) is often typed for `Đ`; acronyms such as `NLĐO` are not syllables the normalizer
        // repairs, so their eth spellings are matched here.
        spellings = outlets.enumerated().flatMap { index, outlet in
            Set(outlet.prefixes.flatMap { [$0, $0.replacingEveryOccurrence(of: "Đ", with: "Ð")] })
                .map { (Array($0.utf8), index) }
        }
        spellings.sort { $0.prefix.count > $1.prefix.count }
    }

    public static func == (lhs: OutletTable, rhs: OutletTable) -> Bool { lhs.outlets == rhs.outlets }

    /// The outlet whose spelling `text` starts with, and that spelling's length in bytes.
    func outlet(atStartOf text: ArraySlice<UInt8>) -> (outlet: Outlet, length: Int)? {
        for spelling in spellings where text.starts(with: spelling.prefix) {
            return (outlets[spelling.outlet], spelling.prefix.count)
        }
        return nil
    }

    /// The outlets named in FORMAT.md and the other national outlets users meet most.
    public static let standard = OutletTable([
        Outlet(code: "TPO", name: "Tiền Phong", prefixes: ["TPO", "(TPO)"]),
        Outlet(code: "DANTRI", name: "Dân trí", prefixes: ["(Dân trí)", "Dân trí", "(Dân Trí)", "DTO"]),
        Outlet(code: "VOV", name: "VOV", prefixes: ["VOV.VN", "VOV.vn", "(VOV)", "VOV"]),
        Outlet(code: "TTO", name: "Tuổi Trẻ", prefixes: ["TTO", "(TTO)"]),
        Outlet(code: "NLDO", name: "Người Lao Động", prefixes: ["(NLĐO)", "NLĐO", "(NLDO)"]),
        Outlet(code: "PLO", name: "Pháp Luật TP.HCM", prefixes: ["PLO", "(PLO)"]),
        Outlet(code: "VTV", name: "VTV", prefixes: ["VTV.vn", "VTV.VN", "(VTV)"]),
        Outlet(code: "VTCNEWS", name: "VTC News", prefixes: ["(VTC News)", "VTC News"]),
        Outlet(code: "ANTD", name: "An ninh Thủ đô", prefixes: ["ANTD.VN", "ANTĐ.VN", "(ANTĐ)", "ANTĐ"]),
        Outlet(code: "TTXVN", name: "Thông tấn xã Việt Nam", prefixes: ["(TTXVN)", "TTXVN"]),
        Outlet(code: "VNEXPRESS", name: "VnExpress", prefixes: ["(VnExpress)", "VnExpress", "VNE"]),
        Outlet(code: "TNO", name: "Thanh Niên", prefixes: ["TNO", "(TNO)", "(Thanh Niên)"]),
        Outlet(code: "ZNEWS", name: "Zing News", prefixes: ["(Zing)", "Zing", "ZNews", "(ZNews)", "Zing News"]),
        Outlet(code: "VIETNAMNET", name: "VietNamNet", prefixes: ["(VietNamNet)", "VietNamNet", "VNN"]),
        Outlet(code: "LDO", name: "Lao Động", prefixes: ["(LĐO)", "LĐO", "(Lao Động)"]),
        Outlet(code: "NDO", name: "Nhân Dân", prefixes: ["NDO", "(NDO)", "(Nhân Dân)"]),
        Outlet(code: "CHINHPHU", name: "Chinhphu.vn", prefixes: ["(Chinhphu.vn)", "Chinhphu.vn", "Baochinhphu.vn"]),
    ])
}

extension String {
    func replacingEveryOccurrence(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
