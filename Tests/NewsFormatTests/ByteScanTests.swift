import ArticleFixtures
import Testing

@testable import NewsFormat

/// The sixteen-byte scans, the bit-sliced SimHash sums and the byte-wise trimming must give exactly what the
/// plain loops give: every offset, every tail length, every bit.
@Suite struct ByteScanTests {
    /// Buffers of every length from 0 to 40 with the flagged byte at every position (or absent).
    @Test func firstOffsetFindsTheFirstFlaggedByteAtEveryPositionAndTailLength() {
        for length in 0...40 {
            for target in -1..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                if target >= 0 { bytes[target] = UInt8(ascii: "7") }
                // A flagged byte past the buffer's end must never be reported: the tail copy pads with zeros.
                bytes.withUnsafeBufferPointer { buffer in
                    for start in 0...length {
                        let found = buffer.firstOffset(from: start) {
                            SixteenBytes.asciiBytes($0, from: 0x30, through: 0x39)
                        }
                        let expected = target >= start ? target : length
                        #expect(found == expected, "length \(length), target \(target), start \(start)")
                    }
                }
            }
        }
    }

    @Test func zeroPaddingIsNeverReportedEvenWhenZeroIsFlagged() {
        for length in 1...20 {
            let bytes = [UInt8](repeating: 0x41, count: length)
            let found = bytes.withUnsafeBufferPointer { buffer in
                buffer.firstOffset(from: 0) { SixteenBytes.asciiBytes($0, from: 0x00, through: 0x1F) }
            }
            #expect(found == length)
        }
    }

    @Test func firstOffsetOfAPairMatchesAPlainSearch() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let length = Int(generator.next() % 60)
            let bytes = (0..<length).map { _ in
                [UInt8(ascii: "m"), UInt8(ascii: "i"), UInt8(ascii: "x")][Int(generator.next() % 3)]
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...length {
                    let expected =
                        (start..<max(start, length - 1)).first { bytes[$0] == 0x6D && bytes[$0 + 1] == 0x69 } ?? length
                    #expect(buffer.firstOffset(ofPair: 0x6D, 0x69, from: start) == expected)
                }
            }
        }
    }

    /// The sums bit-sliced sixteen features at a time against sixty-four plain counters.
    @Test func bitSlicedSumsEqualPlainCounters() {
        var generator = SplitMix64(seed: 11)
        for featureCount in [0, 1, 2, 83, 84, 85, 300, 2_000] {
            var sums = SimHash.BitSums()
            var positive = [Int32](repeating: 0, count: 64)
            var total: Int32 = 0
            for index in 0..<featureCount {
                let single = generator.next()
                let pair = generator.next()
                // Every feature sets each bit with its weight where the hash has it.
                func count(_ hash: UInt64, weight: Int32) {
                    for bit in 0..<64 where hash >> UInt64(bit) & 1 == 1 { positive[bit] += weight }
                    total += weight
                }
                if index % 5 == 0 {
                    sums.add(single)
                    count(single, weight: 1)
                } else {
                    sums.add(single, pair: pair)
                    count(single, weight: 1)
                    count(pair, weight: 2)
                }
            }
            var expected: UInt64 = 0
            for bit in 0..<64 where 2 * positive[bit] > total { expected |= 1 << UInt64(bit) }
            #expect(sums.fingerprint == expected, "\(featureCount) features")
        }
    }

    @Test func trimmingByBytesEqualsTrimmingByCharacters() {
        func byCharacters(_ text: String, _ characters: String) -> String {
            var result = Substring(text)
            while let last = result.last, characters.contains(last) { result.removeLast() }
            while let first = result.first, characters.contains(first) { result.removeFirst() }
            return String(result)
        }
        let texts = [
            "", " ", "...", " . AP . ", "– Nguyễn Tú –", "ảnh.", " ảnh ", ".\u{301}", "a.\u{301}", "\u{301}.",
            "(Ảnh: AP)", " - – — ", "x —", "— x", "Reuters. ", " .Ờ. ", "\r\n.", ".\r\n", "\nx\n", "ex e",
        ]
        for text in texts {
            for characters in [" ", " .", " -–—", " :-–—", "\r", "\n", " \r\n", " e\u{301}"] {
                #expect(
                    text.trimmingCharacters(characters) == byCharacters(text, characters), "\(text.debugDescription)")
            }
        }
    }

    @Test func utf8SuffixesAreComparedByBytes() {
        let cases: [(String, String, Bool)] = [
            ("", "", true), ("abc", "", true), ("", "a", false), ("TPO - Lead", "Lead", true),
            ("Hà Nội", "Nội", true), ("Hà Nội", "Noi", false), ("Nội", "Hà Nội", false), ("ả", "a\u{309}", false),
        ]
        for (text, suffix, expected) in cases {
            #expect(text.hasUTF8Suffix(suffix) == expected, "\(text.debugDescription) \(suffix.debugDescription)")
        }
    }

    @Test func bytesInPlaceAreTheStringsUTF8() {
        let long = String(repeating: "Hà Nội mùa thu. ", count: 40)
        for text in ["", "a", "ả", "fifteen bytes!!", "sixteen bytes!!!", long, String(long.dropFirst(3))] {
            #expect(text.withUTF8Bytes { Array($0) } == Array(text.utf8))
        }
    }
}
