import Foundation

/// The inputs the fuzzer found interesting, kept in `Tests/FuzzCorpus` and replayed by the tests.
public enum FuzzCorpus {
    /// `Tests/FuzzCorpus` in this repository.
    public static var directory: URL { RepositoryFiles.root().appendingPathComponent("Tests/FuzzCorpus") }

    /// `path` itself when it is a file, or every regular file in the directory `path`, in name order.
    /// - Throws: when `path` does not exist or cannot be listed.
    public static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        guard isDirectory.boolValue else { return [path] }
        return try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { "\(path)/\($0)" }
    }

    /// The bytes of one input.
    public static func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
