import ArticleFixtures
import Foundation
import NewsIngestSystem
import TestSupport
import Testing

/// Configuration errors from the command line: the key, the value and the reason, exit status 78.
@Suite struct ConfigurationCommandTests {
    let runner = BinaryRunner()

    @Test func checkConfigAcceptsTheDocumentedExample() throws {
        let path = RepositoryFiles.root().appendingPathComponent("config/newsingest.toml").path
        let result = try runner.run(["check-config", path])
        #expect(result.status == 0, "\(result.error)")
        #expect(String(decoding: result.output, as: UTF8.self).contains("watch seeds"))
    }

    @Test func badKeysAndValuesExitWithEXConfig() throws {
        let temporary = try TemporaryDirectory()
        let file = temporary.path("bad.toml")
        try Data("[output]\nfsync = \"sometimes\"\n".utf8).write(to: URL(fileURLWithPath: file))
        let check = try runner.run(["check-config", file])
        #expect(check.status == 78)
        #expect(check.error.contains("output.fsync = \"sometimes\": must be one of batch, interval, never"))
        let run = try runner.run(["run", "--config", file])
        #expect(run.status == 78)
        #expect(run.error.contains("output.fsync"))
        let flag = try runner.run(["run", "--watch", temporary.path("in"), "--workers", "0"])
        #expect(flag.status == 78)
        #expect(flag.error.contains("--workers 0: must be at least 1"))
        // A file that cannot be read, or is not UTF-8, says why (and where).
        let missing = try runner.run(["check-config", temporary.path("nope.toml")])
        #expect(missing.status == 78)
        #expect(missing.error.contains("nope.toml: open failed: No such file or directory"), "\(missing.error)")
        let directory = try runner.run(["run", "--config", temporary.url.path])
        #expect(directory.status == 78)
        #expect(directory.error.contains("the configuration is a directory"), "\(directory.error)")
        let legacy = temporary.path("legacy.toml")
        // `é` as one byte (a legacy code page), on the second line.
        let legacyBytes = Array("[state]\ndirectory = \"/srv/tin-t".utf8) + [0xE9] + Array("c\"\n".utf8)
        try Data(legacyBytes).write(to: URL(fileURLWithPath: legacy))
        let notUTF8 = try runner.run(["check-config", legacy])
        #expect(notUTF8.status == 78)
        #expect(notUTF8.error.contains("legacy.toml:2: not UTF-8"), "\(notUTF8.error)")
    }

    /// Two watched directories that would take the same files, each under its own globs and `after`: one
    /// directory twice, or one under another watched recursively. A configuration error naming the later one;
    /// a directory under one that is not recursive, or under a hidden subdirectory, is fine. Names through a
    /// symbolic link count as the directory they lead to.
    @Test func overlappingWatchedDirectoriesAreAConfigurationError() throws {
        let temporary = try TemporaryDirectory()
        func check(_ second: String, firstRecursive: Bool) throws -> BinaryRunner.Result {
            let config = temporary.path("\(UUID()).toml")
            try Data(
                """
                [[source.directory]]
                path = "\(temporary.path("in"))"
                recursive = \(firstRecursive)
                [[source.directory]]
                path = "\(second)"
                after = "delete"
                [output]
                path = "\(temporary.path("out/a.jsonl"))"
                errors = "\(temporary.path("out/e.jsonl"))"
                [state]
                directory = "\(temporary.path("out/state"))"
                """.utf8
            ).write(to: URL(fileURLWithPath: config))
            return try runner.run(["check-config", config])
        }
        let twice = try check(temporary.path("in/./"), firstRecursive: false)
        #expect(twice.status == 78)
        #expect(
            twice.error.contains("source.directory[1].path = \"\(temporary.path("in/./"))\": is the same directory as"),
            "\(twice.error)")
        let nested = try check(temporary.path("in/2026/11"), firstRecursive: true)
        #expect(nested.status == 78)
        #expect(nested.error.contains("source.directory[1].path"), "\(nested.error)")
        #expect(nested.error.contains("lies under \(temporary.path("in")), which is watched recursively"))
        #expect(try check(temporary.path("in/2026"), firstRecursive: false).status == 0)
        #expect(try check(temporary.path("in/.hidden/a"), firstRecursive: true).status == 0)
        #expect(try check(temporary.path("input"), firstRecursive: true).status == 0)
        // Through a symbolic link to the first directory: the same one, or under it.
        try FileManager.default.createDirectory(atPath: temporary.path("in"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: temporary.path("link"), withDestinationPath: "in")
        let linked = try check(temporary.path("link"), firstRecursive: false)
        #expect(linked.status == 78)
        #expect(linked.error.contains("is the same directory as \(temporary.path("in"))"), "\(linked.error)")
        let linkedNested = try check(temporary.path("link/2026/11"), firstRecursive: true)
        #expect(linkedNested.status == 78)
        #expect(linkedNested.error.contains("lies under \(temporary.path("in"))"), "\(linkedNested.error)")

        let flags = try runner.run([
            "run", "--watch", temporary.path("in"), "--watch", temporary.path("in/sub"), "--recursive",
            "--output", temporary.path("out/a.jsonl"), "--state-dir", temporary.path("out/state"),
        ])
        #expect(flags.status == 78)
        #expect(flags.error.contains("--watch \(temporary.path("in/sub")): lies under"), "\(flags.error)")
    }

    /// A configuration under which the daemon would take back what it writes (its output in a watched
    /// directory under a name the globs take, say) is refused before anything is read, naming the setting.
    @Test func aConfigurationThatWouldIngestTheDaemonsOwnFilesIsRefused() throws {
        let temporary = try TemporaryDirectory()
        let input = temporary.path("in")
        let run = try runner.run(["run", "--watch", input, "--output", input + "/records.txt"])
        #expect(run.status == 78)
        #expect(
            run.error.contains("--output \(input)/records.txt: lies in the watched directory \(input)"), "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: input + "/records.txt"))
        let config = temporary.path("everything.toml")
        try Data(
            """
            [[source.directory]]
            path = "\(temporary.url.path)"
            recursive = true
            include = ["*"]
            [output]
            path = "/dev/null"
            errors = "/dev/null"
            [state]
            directory = "\(temporary.path("state"))"
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        let check = try runner.run(["check-config", config])
        #expect(check.status == 78)
        #expect(check.error.contains("state.directory = \"\(temporary.path("state"))\": lies in"), "\(check.error)")
        #expect(check.error.contains("state.sqlite3"), "\(check.error)")
        let same = try runner.run(["run", "--watch", input, "--output", "/tmp/x.jsonl", "--errors", "/tmp/x.jsonl"])
        #expect(same.status == 78)
        #expect(same.error.contains("the output and the error log are the same file"), "\(same.error)")
    }

    /// A directory that does not exist yet is fine (it is watched, or created, once it does); a file where a
    /// directory should be (or above it, where it would be made) is a mistake said at once, naming the key,
    /// and so is a directory where the output or the error log would be written.
    @Test func aFileWhereADirectoryBelongsIsAConfigurationError() throws {
        let temporary = try TemporaryDirectory()
        let file = temporary.path("articles.txt")
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: file))
        for (key, toml) in [
            ("source.directory[0].path", "[[source.directory]]\npath = \"\(file)\"\n"),
            (
                "source.directory[0].done_directory",
                "[[source.directory]]\npath = \"\(temporary.path("in"))\"\nafter = \"move\"\n"
                    + "done_directory = \"\(file)\"\n"
            ),
            ("state.directory", "[[source.directory]]\npath = \"in\"\n[state]\ndirectory = \"\(file)\"\n"),
        ] {
            let config = temporary.path("config.toml")
            try Data(toml.utf8).write(to: URL(fileURLWithPath: config))
            let check = try runner.run(["check-config", config])
            #expect(check.status == 78)
            #expect(check.error.contains("\(key) = \"\(file)\": is not a directory"), "\(check.error)")
        }
        let underTheFile = "cannot be made: \(file) is a file, not a directory"
        for (key, value, reason) in [
            ("state.directory", file + "/state", underTheFile),
            ("output.path", file + "/out/articles.jsonl", underTheFile),
            ("output.errors", temporary.url.path, "is a directory, not a file"),
        ] {
            let (table, name) = (key.split(separator: ".")[0], key.split(separator: ".")[1])
            let config = temporary.path("config.toml")
            try Data("[[source.directory]]\npath = \"in\"\n[\(table)]\n\(name) = \"\(value)\"\n".utf8).write(
                to: URL(fileURLWithPath: config))
            let check = try runner.run(["check-config", config])
            #expect(check.status == 78)
            #expect(check.error.contains("\(key) = \"\(value)\": \(reason)"), "\(check.error)")
        }
        let watch = try runner.run(["run", "--watch", file, "--state-dir", temporary.path("state")])
        #expect(watch.status == 78)
        #expect(watch.error.contains("--watch \(file): is not a directory"), "\(watch.error)")
        for (option, value, reason) in [
            ("--state-dir", file + "/state", underTheFile), ("--output", file + "/a.jsonl", underTheFile),
            ("--errors", temporary.url.path, "is a directory, not a file"),
        ] {
            let run = try runner.run(["run", "--watch", temporary.path("in"), option, value])
            #expect(run.status == 78)
            #expect(run.error.contains("\(option) \(value): \(reason)"), "\(run.error)")
        }
        let fine = temporary.path("config.toml")
        try Data("[[source.directory]]\npath = \"\(temporary.path("not-yet"))\"\n".utf8).write(
            to: URL(fileURLWithPath: fine))
        #expect(try runner.run(["check-config", fine]).status == 0)
    }

    /// A configuration path that is neither a regular file nor a pipe with a writer is refused at once: a named
    /// pipe nobody writes to blocked `check-config` for ever, a device was read without end. A pipe that has a
    /// writer (`--config <(generate-config)`) is read.
    @Test func aConfigurationThatIsNotARegularFileIsRefusedAtOnce() throws {
        let temporary = try TemporaryDirectory()
        let fifo = temporary.path("config.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let unwritten = try runner.run(["check-config", fifo])
        #expect(unwritten.status == 78)
        #expect(unwritten.error.contains("a pipe that gave nothing"), "\(unwritten.error)")
        let device = try runner.run(["check-config", "/dev/zero"])
        #expect(device.status == 78)
        #expect(device.error.contains("/dev/zero: the configuration is not a regular file"), "\(device.error)")
        // Process substitution, as a shell user writes it.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = [
            "-c", "exec \"$0\" check-config <(printf '[pipeline]\\nworkers = 3\\n')", runner.binary.path,
        ]
        let output = Pipe()
        shell.standardOutput = output
        shell.standardError = output
        let ended = DispatchSemaphore(value: 0)
        shell.terminationHandler = { _ in ended.signal() }
        try shell.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if ended.wait(timeout: .now() + 120) == .timedOut { shell.terminate() }
        #expect(shell.terminationStatus == 0, "\(text)")
        #expect(text.contains("workers 3"), "\(text)")
    }
}
