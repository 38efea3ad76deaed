import ArticleFixtures
import Foundation
import Testing

@testable import NewsFormat

@Suite struct TextDecoderTests {
    func decode(_ bytes: [UInt8]) throws(ArticleParseError) -> DecodedText {
        try bytes.withUnsafeBufferPointer { buffer throws(ArticleParseError) in try TextDecoder.decode(buffer) }
    }

    let sample = "Tổng thống Ukraine cho biết ông đã có cuộc điện đàm dài về hòa bình. Người dân được hỗ trợ kịp thời."

    @Test(arguments: TextEncoding.allCases)
    func everyEncodingDecodesToTheSameText(encoding: TextEncoding) throws {
        let decoded = try decode(LegacyEncoder.encode(sample, as: encoding))
        #expect(decoded.encoding == encoding)
        #expect(TextNormalizer().normalize(decoded.text).text == sample)
        if [.windows1258, .tcvn3, .vni].contains(encoding) {
            #expect(decoded.warnings == ["decoded_from:\(encoding.rawValue)"])
        }
    }

    /// Past ``TextDecoder/legacySampleBytes`` the readings are compared on a sample and only the winner reads
    /// the whole input: the same encoding and the same text as for a small file, to the last line.
    @Test(arguments: [TextEncoding.windows1258, .tcvn3, .vni])
    func aLegacyFileLargerThanTheSampleIsDecodedWhole(encoding: TextEncoding) throws {
        let lines = (0..<6_000).map { "\($0). \(sample)" }
        let text = lines.joined(separator: "\n")
        let bytes = LegacyEncoder.encode(text, as: encoding)
        #expect(bytes.count > TextDecoder.legacySampleBytes)
        let decoded = try decode(bytes)
        #expect(decoded.encoding == encoding)
        #expect(TextNormalizer().normalize(decoded.text).text == text)
    }

    @Test func vniMatchesPublishedExamples() throws {
        let bytes: [UInt8] =
            Array("Xin cha".utf8) + [0xF8] + Array("o ca".utf8) + [0xF9] + Array("c ba".utf8) + [0xEF]
            + Array("n. Vie".utf8) + [0xE4] + Array("t Nam ".utf8) + [0xF1, 0x61, 0xF8, 0x6F] + Array(" ta".utf8) + [
                0xEF, 0x6F,
            ]
        let decoded = try decode(bytes)
        #expect(decoded.encoding == .vni)
        #expect(TextNormalizer().normalize(decoded.text).text == "Xin chào các bạn. Việt Nam đào tạo")
    }

    /// The byte tables agree with the system's own codecs (glibc iconv), byte by byte.
    @Test(arguments: [("CP1258", TextEncoding.windows1258), ("TCVN5712-1", TextEncoding.tcvn3)])
    func legacyTablesAgreeWithIconv(charset: String, encoding: TextEncoding) throws {
        let table = encoding == .windows1258 ? LegacyCodeTables.windows1258High : LegacyCodeTables.tcvn3High
        for byte in UInt8(0x80)...UInt8(0xFF) {
            guard let expected = try Iconv.scalars([byte], from: charset) else { continue }  // undefined byte
            #expect([table[Int(byte) - 0x80]] == expected, "byte \(byte)")
        }
    }

    @Test func nulByteIsBinaryDataWithItsOffset() {
        #expect(throws: ArticleParseError(.binary, offset: 5, reason: "not text: NUL byte")) {
            try decode(Array("Hà N".utf8) + [0, 0x41])
        }
    }

    @Test func emptyAndWhiteSpaceOnlyInputIsAnError() {
        for bytes: [UInt8] in [[], [0x20, 0x0A, 0x0A], [0xEF, 0xBB, 0xBF], [0xFF, 0xFE]] {
            #expect(throws: ArticleParseError.self) { try decode(bytes) }
            do { _ = try decode(bytes) } catch { #expect(error.code == .empty) }
        }
    }

    @Test func mostlyControlCharactersIsNotText() {
        var bytes = Array("abc".utf8)
        bytes += [UInt8](repeating: 0x01, count: 50)
        do {
            _ = try decode(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .controlCharacters)
        }
    }

    @Test func randomHighBytesAreReportedNotDecoded() {
        var random = SplitMix64(seed: 3)
        let bytes = (0..<400).map { _ in UInt8(0x80 + random.next() % 0x80) }
        do {
            _ = try decode(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .undecodable)
            #expect(error.offset.map { (0..<400).contains($0) } == true)
            #expect(error.description.contains("no legacy Vietnamese encoding"))
        }
    }

    @Test func aStrayLatin1ByteInUTF8TextIsDecodedAndReported() throws {
        let bytes = Array("Tổng thống Ukraine cho biết hòa bình đã đến gần, giá ".utf8) + [0xE9] + Array(" tăng.".utf8)
        let decoded = try decode(bytes)
        #expect(decoded.encoding == .utf8)
        #expect(decoded.text.contains("giá é tăng"))
        #expect(decoded.warnings == ["invalid_utf8_bytes_decoded_as_windows-1258:1"])
    }

    @Test func utf16WithBrokenSurrogateIsReported() throws {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x48, 0x00, 0x00, 0xD8, 0x69, 0x00]
        let decoded = try decode(bytes)
        #expect(decoded.text == "H\u{FFFD}i")
        #expect(decoded.warnings == ["invalid_utf16_replaced:1"])
    }
}

/// Runs glibc's iconv to decode bytes, as an independent reference.
enum Iconv {
    static func scalars(_ bytes: [UInt8], from charset: String) throws -> [UInt32]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", charset, "-t", "UTF-32LE"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return stride(from: 0, to: data.count, by: 4).map { offset in
            data[offset..<offset + 4].enumerated().reduce(UInt32(0)) {
                $0 | UInt32($1.element) << (8 * UInt32($1.offset))
            }
        }
    }
}
