/// Vietnamese sentences for generated articles, press style, NFC (several from the seeds, the rest
/// written for the fixtures), with words whose tone placement varies or is often mistyped.
enum SentencePool {
    static let sentences: [String] = [
        "Tổng thống Ukraine Volodymyr Zelensky cho biết ông vừa có cuộc điện đàm dài với các phái viên Mỹ.",
        "Hai bên vẫn nỗ lực tìm ra các giải pháp thực tế và có thể chấp nhận được.",
        "Vấn đề lãnh thổ và đảm bảo an ninh là điểm bế tắc lâu nay đối với bất kỳ thỏa thuận hòa bình nào.",
        "Cơ quan Năng lượng Nguyên tử Quốc tế (IAEA) cho biết ngày 6/12 nhiều nhà máy điện đã giảm công suất.",
        "Giá vàng trong nước tăng mạnh trong phiên sáng nay, vượt mốc 80 triệu đồng mỗi lượng.",
        "Ngân hàng Nhà nước cho biết tiền gửi của khách hàng vẫn được bảo đảm an toàn tuyệt đối.",
        "Bộ Y tế khuyến cáo người dân giữ gìn sức khỏe, hạn chế ra ngoài khi trời lạnh.",
        "Thủy điện Hòa Bình đã mở thêm cửa xả đáy để đón lũ từ thượng nguồn.",
        "Đội tuyển Việt Nam hoàn thành buổi tập cuối trước trận đấu quan trọng vào tối mai.",
        "Theo kế hoạch, công trình sẽ được hoàn thành và đưa vào sử dụng trước Tết Nguyên đán.",
        "Nhiều hộ dân ở Đà Nẵng cho biết nước lũ lên nhanh, tràn vào nhà chỉ trong vài giờ.",
        "Chính quyền địa phương đã huy động lực lượng hỗ trợ người dân di dời tài sản đến nơi an toàn.",
        "Các chuyên gia nhận định thị trường bất động sản sẽ phục hồi dần trong quý tới.",
        "Ông cho biết quyết định này nhằm bảo vệ quyền lợi chính đáng của người lao động.",
        "Lực lượng chức năng đang khẩn trương điều tra làm rõ nguyên nhân vụ việc.",
        "Thành phố Hồ Chí Minh dự kiến khởi công tuyến metro số 2 vào cuối năm nay.",
        "Khách du lịch quốc tế đến Việt Nam trong 11 tháng đạt gần 16 triệu lượt.",
        "Phái đoàn hai nước đã thống nhất về các bước đi tiếp theo và hình thức đàm phán.",
        "Bà Stefanishyna nói thông tin chi tiết hơn sẽ được cung cấp sau khi tất cả thông tin được tổng hợp.",
        "Giới chức cho rằng thời tiết khắc nghiệt sẽ còn kéo dài đến hết tuần sau.",
    ]

    static let captionPhrases: [String] = [
        "Tổng thống Ukraine Volodymir Zelensky", "Quang cảnh buổi họp báo", "Lực lượng cứu hộ tại hiện trường",
        "Người dân xếp hàng chờ mua vàng", "Nước lũ dâng cao tại Đà Nẵng", "Các đại biểu chụp ảnh lưu niệm",
    ]

    /// Some start with a capital that has a tone mark (`Ánh Dương`), which TCVN3 cannot write.
    static let credits = [
        "AP", "Reuters", "Thu Hằng/TTXVN", "Văn phòng Tổng thống Ukraine", "AFP", "Ngọc Thắng", "Ánh Dương",
        "Ủy ban Nhân dân TP",
    ]
    static let photographers = ["Nguyễn Tú", "Minh Anh", "Hoàng Hà"]

    static let headlines: [String] = [
        "Tổng thống Ukraine Zelensky báo hiệu tiến triển trong thương lượng với Mỹ",
        "Giá vàng lập đỉnh mới, người dân đổ xô đi mua",
        "Miền Trung khẩn trương ứng phó với lũ lớn",
        "Vì sao thị trường bất động sản chưa phục hồi?",
        "Đội tuyển Việt Nam sẵn sàng cho trận chung kết",
    ]

    static let bylines = [
        "THANH VÂN", "Theo Reuters", "(Theo CNN)", "Nguyễn Phương (Theo CNN)", "NGUYỄN HẢI - THU HÀ", "ÁNH DƯƠNG",
        "Ánh Dương (Theo VnExpress)",
    ]

    /// Misspellings real text carries, with the spelling normalization must give back.
    static let typos: [(wrong: String, right: String)] = [
        // Style variants first, so a later misspelling (hòan) is not turned back by an earlier rule (hòa → hoà).
        ("Thuỷ", "Thủy"), ("hoà", "hòa"), ("khoẻ", "khỏe"), ("HOÀ", "HÒA"),
        ("hòan", "hoàn"), ("đuợc", "được"), ("qúy", "quý"), ("Gía", "Giá"), ("tìên", "tiền"),
    ]
}
