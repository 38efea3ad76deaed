import NewsFormat

/// Parses one input the way the daemon does (decode, normalize, structure, encode) and checks the invariants
/// that must hold for any bytes: a record is one JSON line, and normalizing its text again changes nothing.
/// Any crash, hang or failed check is a finding.
func fuzzOneInput(_ bytes: [UInt8]) {
    for style in [ToneStyle.press, .modern] {
        let parser = ArticleParser(toneStyle: style)
        guard let article = try? parser.parse(bytes) else { continue }
        let source = RecordSource.standardInput(size: bytes.count)
        let line = ArticleRecord(article: article, source: source, ingestedAt: Timestamp(millisecondsSince1970: 0))
            .jsonLine()
        precondition(line.last == 0x0A && !line.dropLast().contains(0x0A), "a record must be exactly one line")
        let normalizer = TextNormalizer(toneStyle: style)
        let again = normalizer.normalize(article.text).text
        precondition(again == article.text, "normalizing a normalized text changed it")
    }
}

#if FUZZING
/// libFuzzer's driver, for programs that keep their own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The program's entry point under the name SwiftPM links executables with; it hands control to libFuzzer.
@_cdecl("FuzzArticleParser_main")
func fuzzerMain(
    _ argc: Int32,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv) { data, size in
        guard let data else { return 0 }
        fuzzOneInput(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
#else
/// Without the fuzzer, the target replays inputs: `newsingest-fuzz FILE|DIR...` runs each file through the same
/// checks, so a crash found by the fuzzer can be reproduced and debugged in an ordinary build.
@main
enum FuzzReplay {
    static func main() throws {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("usage: newsingest-fuzz FILE|DIR... (built with `make fuzz` it is a libFuzzer target)")
            return
        }
        var count = 0
        for path in paths {
            for file in try CorpusFiles.list(path) {
                fuzzOneInput(try CorpusFiles.read(file))
                count += 1
            }
        }
        print("replayed \(count) inputs, no failure")
    }
}
#endif
