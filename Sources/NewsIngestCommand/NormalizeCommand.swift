import ArgumentParser
import NewsFormat
import NewsIngestSystem

/// `newsingest normalize`: standard input to standard output, normalized, line structure kept.
struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Read text on standard input and write it back normalized, line for line (like iconv).",
        discussion: """
            Decodes UTF-8, UTF-16 with BOM, Windows-1258, TCVN3 or VNI; writes UTF-8 NFC with LF line ends, \
            spaces collapsed, invisible and control characters removed, and tone marks in one style. Input is \
            processed in chunks of whole lines, so arbitrarily large streams use little memory.
            """
    )

    @OptionGroup var toneStyle: ToneStyleOption

    /// Bytes read before a chunk (cut at its last line end) is normalized and written.
    static let chunkSize = 1 << 20

    func run() throws {
        let normalizer = TextNormalizer(toneStyle: toneStyle.toneStyle)
        var pending: [UInt8] = []
        var offset = 0
        let memo = WordMemo()
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var isUTF16 = false
        var atStart = true
        while true {
            let count = try StandardStreams.input.read(into: &buffer)
            if atStart, count > 0 {
                pending.append(contentsOf: buffer[..<count])
                if pending.count >= 2, pending.starts(with: [0xFF, 0xFE]) || pending.starts(with: [0xFE, 0xFF]) {
                    isUTF16 = true  // line ends are two bytes: normalize the stream whole
                }
                atStart = pending.count < 2
                continue
            }
            if count == 0 {
                try emit(pending, offset: offset, normalizer: normalizer, memo: memo)
                return
            }
            pending.append(contentsOf: buffer[..<count])
            guard !isUTF16, pending.count >= Self.chunkSize, let lastLineEnd = pending.lastIndex(of: 0x0A) else {
                continue
            }
            let chunk = Array(pending[...lastLineEnd])
            try emit(chunk, offset: offset, normalizer: normalizer, memo: memo)
            offset += chunk.count
            pending.removeSubrange(...lastLineEnd)
        }
    }

    private func emit(_ chunk: [UInt8], offset: Int, normalizer: TextNormalizer, memo: WordMemo) throws {
        guard !chunk.isEmpty else { return }
        let decoded = chunk.withUnsafeBufferPointer { buffer in
            Result { () throws(ArticleParseError) in try TextDecoder.decode(buffer) }
        }
        let text: String
        switch decoded {
        case .success(let decodedText):
            text = decodedText.text
        case .failure(let error) where error.code == .empty:
            text = String(decoding: chunk, as: UTF8.self)  // white space only: normalizes to its line ends
        case .failure(var error):
            error.offset = error.offset.map { $0 + offset }
            StandardStreams.printError("newsingest normalize: <stdin>: \(error)")
            throw ExitCode(1)
        }
        do {
            var report = NormalizationReport()
            try StandardStreams.output.writeAll(Array(normalizer.normalize(text, report: &report, memo: memo).utf8))
        } catch {
            if error.isBrokenPipe { throw ExitCode(141) }
            throw error
        }
    }
}
