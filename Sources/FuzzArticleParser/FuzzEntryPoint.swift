import ArticleFixtures
import Foundation
import NewsIngestEngine

/// What the fuzzer feeds: articles (the default) or configuration files, chosen by the environment variable
/// `NEWSINGEST_FUZZ_TARGET` (`article` or `configuration`) so that one libFuzzer build serves both.
enum FuzzTarget: String {
    case article
    case configuration

    /// The target the environment asks for.
    static var chosen: FuzzTarget {
        guard let name = ProcessInfo.processInfo.environment["NEWSINGEST_FUZZ_TARGET"] else { return .article }
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("NEWSINGEST_FUZZ_TARGET=\(name): use \"article\" or \"configuration\"")
        }
        return target
    }

    /// Checks one input; any crash, hang or violated invariant is a finding.
    func check(_ bytes: [UInt8]) {
        switch self {
        case .article:
            let violations = ParserInvariants.violations(for: bytes)
            precondition(violations.isEmpty, violations.joined(separator: "\n"))
        case .configuration:
            let problem = ConfigurationInvariants.violation(for: bytes)
            precondition(problem == nil, problem ?? "")
        }
    }
}

#if FUZZING
    /// libFuzzer's driver, for programs that keep their own `main` (SwiftPM links executables with one).
    @_silgen_name("LLVMFuzzerRunDriver")
    private func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// The target chosen once, before the first input.
    private let fuzzTarget = FuzzTarget.chosen

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
            fuzzTarget.check(Array(UnsafeBufferPointer(start: data, count: size)))
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
                print(
                    "usage: [NEWSINGEST_FUZZ_TARGET=article|configuration] newsingest-fuzz FILE|DIR... "
                        + "(built by `make fuzz` it is a libFuzzer target)")
                return
            }
            let target = FuzzTarget.chosen
            var count = 0
            for path in paths {
                for file in try FuzzCorpus.files(at: path) {
                    target.check(try FuzzCorpus.read(file))
                    count += 1
                }
            }
            print("replayed \(count) \(target) inputs, no failure")
        }
    }
#endif
