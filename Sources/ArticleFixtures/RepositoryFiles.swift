import Foundation

/// Files of this repository that tests read: the seeds, the fuzz corpus, the built binary.
public enum RepositoryFiles {
    /// The repository's root, found from a source file's path (`#filePath` of the caller).
    public static func root(from filePath: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("no Package.swift above \(filePath)")
    }

    /// The bytes of `seeds/<name>`.
    public static func seed(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root().appendingPathComponent("seeds").appendingPathComponent(name)))
    }

    /// The two seed file names.
    public static let seedNames = ["000_b3c25ff2cb7dd556.txt", "004_dda8511f67098ecd.txt"]

    /// An unrelated Vietnamese article (weather and traffic), for near-duplicate tests.
    public static let unrelatedArticle = """
        Hà Nội rét đậm, nhiệt độ xuống dưới 10 độ C

        (Dân trí) - Không khí lạnh tăng cường khiến nhiệt độ tại Hà Nội sáng nay xuống thấp nhất từ đầu mùa, \
        nhiều trường học cho học sinh nghỉ.

        Trung tâm Dự báo khí tượng thủy văn quốc gia cho biết đợt rét này kéo dài ít nhất một tuần, vùng núi \
        cao có thể xuất hiện băng giá và sương muối.

        Tại các tuyến phố trung tâm, lượng xe máy giảm rõ rệt vào giờ cao điểm sáng, nhiều người chọn đi xe buýt \
        hoặc làm việc tại nhà.

        Ngành nông nghiệp khuyến cáo bà con che chắn chuồng trại, không cho trâu bò ra đồng khi nhiệt độ quá thấp.
        """
}
