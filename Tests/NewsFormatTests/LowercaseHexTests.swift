import Testing

@testable import NewsFormat

@Suite struct LowercaseHexTests {
    @Test func bytesAndValuesAreWrittenInLowercaseWithLeadingZeros() {
        #expect(LowercaseHex.text(of: [0x00, 0x0a, 0xab, 0xff]) == "000aabff")
        #expect(LowercaseHex.text(of: [UInt8]()) == "")
        #expect(LowercaseHex.text(of: UInt64(0x1f)) == "000000000000001f")
        #expect(LowercaseHex.text(of: UInt64.max) == "ffffffffffffffff")
        #expect(SimHash(value: 0x0123_4567_89ab_cdef).hex == "0123456789abcdef")
    }
}
