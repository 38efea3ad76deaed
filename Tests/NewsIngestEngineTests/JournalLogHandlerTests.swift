import Foundation
import Logging
import Testing

@testable import NewsIngestEngine

/// The daemon's log lines, and what happens when standard error cannot take them.
@Suite struct JournalLogHandlerTests {
    /// A pipe whose write end the handler writes to; its read end gives back what was written.
    final class Capture {
        let descriptors: [Int32]
        init() throws {
            var pair: [Int32] = [0, 0]
            guard pipe(&pair) == 0 else { throw POSIXError(.EMFILE) }
            descriptors = pair
        }
        var writeEnd: Int32 { descriptors[1] }
        /// Everything written so far (the write end is closed first).
        func text() -> String {
            close(descriptors[1])
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptors[0], &buffer, buffer.count)
                if count <= 0 { break }
                bytes += buffer[..<count]
            }
            close(descriptors[0])
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test func underTheJournalLinesCarryTheirPriorityAndNoTime() throws {
        let capture = try Capture()
        var logger = Logger(label: "newsingest") { label in
            JournalLogHandler(
                label: label, level: .info, environment: ["JOURNAL_STREAM": "8:123"], descriptor: capture.writeEnd)
        }
        logger.logLevel = .info
        logger.warning("could not write", metadata: ["path": "a b"])
        logger.debug("not shown")
        logger.error("bad")
        #expect(capture.text() == "<4>could not write path=a b\n<3>bad\n")
    }

    /// A full disk (here `/dev/full`), a log at its size limit or a reader gone: the line is dropped rather
    /// than the process stopped, and the next line written says how many were lost.
    @Test func linesThatCannotBeWrittenAreCountedNotFatal() throws {
        let full = open("/dev/full", O_WRONLY)
        #expect(full >= 0)
        defer { close(full) }
        let capture = try Capture()
        // The handler's descriptor number, standing for standard error: full first, then a pipe.
        let descriptor = dup(full)
        #expect(descriptor >= 0)
        let logger = Logger(label: "newsingest") { label in
            JournalLogHandler(label: label, level: .info, environment: [:], descriptor: descriptor)
        }
        logger.info("first")
        logger.warning("second")
        #expect(dup2(capture.writeEnd, descriptor) == descriptor)
        logger.info("third")
        close(descriptor)
        let lines = capture.text().split(separator: "\n")
        #expect(lines.count == 2, "\(lines)")
        #expect(
            lines.first?.hasSuffix("warning newsingest: lost 2 log lines: standard error could not take them") == true)
        #expect(lines.last?.hasSuffix("info newsingest: third") == true)
    }

    /// A file name holding a line feed cannot start a log line of its own (log forging), in either format.
    @Test(arguments: [true, false])
    func controlCharactersInALoggedValueAreEscaped(journal: Bool) throws {
        let capture = try Capture()
        var logger = Logger(label: "newsingest") { label in
            JournalLogHandler(
                label: label, level: .info, environment: journal ? ["JOURNAL_STREAM": "8:123"] : [:],
                descriptor: capture.writeEnd)
        }
        logger.logLevel = .info
        let forged = "a.txt\n2026-12-02T00:00:00.000Z critical newsingest: FAKE\r\t\u{1B}[31m\u{85}\u{2028}x"
        logger.warning("a file \(forged)", metadata: ["path": "\(forged)"])
        let text = capture.text()
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 2, "\(text)")
        #expect(
            text.contains(
                "a.txt\\n2026-12-02T00:00:00.000Z critical newsingest: FAKE\\r\\t\\x1B[31m\\u{0085}\\u{2028}x"),
            "\(text)")
        #expect(!text.contains("\u{1B}") && !text.contains("\r"))
    }

    @Test func textWithoutControlCharactersIsLoggedAsItIs() {
        for text in ["", "plain", "Hà Nội — “quoted” \\xFF.txt", String(repeating: "ẫ", count: 1000)] {
            #expect(LogLineEscaping.escaped(text) == text)
        }
    }
}
