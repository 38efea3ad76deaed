import Foundation
import TestSupport
import Testing

@testable import NewsIngestEngine

/// Configurations under which the daemon would take back its own files, and the usual ones that do not.
@Suite struct OwnFileConflictTests {
    /// Settings watching `directories`, writing `output` and `errors`, keeping the state in `state`.
    func settings(
        _ directories: [DirectorySettings], output: String = "out/articles.jsonl", errors: String = "out/errors.jsonl",
        state: String = "out/state"
    ) -> DaemonSettings {
        let pipeline = PipelineSettings(
            workers: 1, maxInFlight: 8, toneStyle: .press, dedupe: .content, maxFileBytes: 1 << 20, sync: .batch,
            outputPath: output, errorsPath: errors)
        return DaemonSettings(
            directories: directories, pipeline: pipeline, stateDirectory: state, settleSeconds: 2, rescanSeconds: 60,
            shutdownTimeoutSeconds: 10)
    }

    func conflict(_ settings: DaemonSettings) -> OwnFileConflict? {
        settings.ownFileConflict(workingDirectory: "/srv/app")
    }

    @Test func theUsualLayoutsTakeNothingBack() {
        #expect(conflict(settings([DirectorySettings(path: "seeds")])) == nil)
        // The output beside the articles, under a name the globs do not take; also rotated.
        #expect(
            conflict(settings([DirectorySettings(path: "in", recursive: true)], output: "in/articles.jsonl")) == nil)
        // Not recursive: out/ under the watched directory is not watched.
        #expect(conflict(settings([DirectorySettings(path: ".", include: ["*"])])) == nil)
        // Recursive, but through a hidden directory, which scans skip.
        #expect(
            conflict(
                settings(
                    [DirectorySettings(path: ".", recursive: true, include: ["*"])], output: ".out/a.jsonl",
                    errors: ".out/e.jsonl", state: ".state")) == nil)
        // Standard output is no file.
        #expect(
            conflict(settings([DirectorySettings(path: ".", include: ["*"])], output: "-", errors: "e/e.jsonl")) == nil)
        // Two streams may be one file: `/dev/null` for a dry run.
        #expect(conflict(settings([DirectorySettings(path: "in")], output: "/dev/null", errors: "/dev/null")) == nil)
        // In the quarantine, which is never taken as input.
        var quarantined = DirectorySettings(path: "in", recursive: true, include: ["*"])
        quarantined.disposal = FileDisposal(after: .keep, doneDirectory: nil, quarantineDirectory: "in/bad")
        #expect(
            conflict(settings([quarantined], output: "in/bad/a.jsonl", errors: "in/bad/e.jsonl", state: "in/bad/s"))
                == nil)
    }

    @Test func anOutputAWatchedDirectoryTakesIsFound() throws {
        let found = try #require(conflict(settings([DirectorySettings(path: "/srv/app/in")], output: "in/out.txt")))
        #expect(found.file == .output && found.path == "in/out.txt" && found.directory == "/srv/app/in")
        #expect(found.name == "out.txt")
        #expect(found.description.contains("would ingest its own output"))
        // By a name it is rotated to, through `..` and `.`.
        let rotated = try #require(
            conflict(
                settings(
                    [DirectorySettings(path: "in", include: ["*-2026*"])], output: "./in/../in/articles.jsonl")))
        #expect(rotated.name == "articles-20261125T090012Z.jsonl")
    }

    @Test func anErrorLogOrStateAWatchedDirectoryTakesIsFound() throws {
        let everything = DirectorySettings(path: "/srv", recursive: true, include: ["*"])
        let errors = try #require(
            conflict(settings([DirectorySettings(path: "/data")], errors: "/data/errors.txt")))
        #expect(errors.file == .errors && errors.name == "errors.txt")
        let state = try #require(
            conflict(
                settings(
                    [DirectorySettings(path: "/data"), everything], output: "/var/o.jsonl", errors: "/var/e.jsonl")))
        #expect(state.file == .state && state.directory == "/srv" && state.name == "state.sqlite3")
        #expect(state.description.contains("its state database"))
    }

    @Test func theOutputAndTheErrorLogAtOnePathAreFound() throws {
        let found = try #require(
            conflict(
                settings([DirectorySettings(path: "in")], output: "out/all.jsonl", errors: "/srv/app/out/./all.jsonl")))
        #expect(found.directory == nil && found.file == .errors)
        #expect(found.description.contains("the same file"))
    }

    /// Symbolic links are resolved where the paths exist: an output named through a link to the watched
    /// directory, or a directory watched through a link, is found; the part of a path not made yet is kept as
    /// text.
    @Test func pathsThroughSymbolicLinksAreFound() throws {
        let temporary = try TemporaryDirectory()
        let input = temporary.path("in")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: temporary.path("link"), withDestinationPath: input)
        let watched = DirectorySettings(path: input, include: ["*"])
        let output = try #require(
            settings([watched], output: temporary.path("link/new/../a.jsonl")).ownFileConflict(workingDirectory: "/"))
        #expect(output.file == .output && output.directory == input && output.name == "a.jsonl")
        let state = try #require(
            settings(
                [DirectorySettings(path: temporary.path("link"), recursive: true, include: ["*"])],
                output: temporary.path("out/a.jsonl"), errors: temporary.path("out/e.jsonl"),
                state: temporary.path("in/not/made/yet")
            ).ownFileConflict(workingDirectory: "/"))
        #expect(state.file == .state && state.name == "state.sqlite3")
        #expect(
            settings([watched], output: temporary.path("out/a.jsonl")).ownFileConflict(workingDirectory: "/") == nil)
    }
}
