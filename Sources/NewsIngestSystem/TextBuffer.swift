extension String {
    /// The text a C call wrote into `buffer`, up to its first NUL (the whole buffer when it has none);
    /// bytes that are not UTF-8 become U+FFFD.
    public init(textBefore buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
