import ArticleFixtures

/// Parses one input the way the daemon does and checks ``ParserInvariants``; any crash, hang or violated
/// invariant is a finding.
func fuzzOneInput(_ bytes: [UInt8]) {
    let violations = ParserInvariants.violations(for: bytes)
    precondition(violations.isEmpty, violations.joined(separator: "\n"))
}

#if FUZZING
    /// libFuzzer's driver, for programs that keep their own `main` (SwiftPM links executables with one).
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
                print("usage: newsingest-fuzz FILE|DIR... (built by `make fuzz` it is a libFuzzer target)")
                return
            }
            var count = 0
            for path in paths {
                for file in try FuzzCorpus.files(at: path) {
                    fuzzOneInput(try FuzzCorpus.read(file))
                    count += 1
                }
            }
            print("replayed \(count) inputs, no failure")
        }
    }
#endif
