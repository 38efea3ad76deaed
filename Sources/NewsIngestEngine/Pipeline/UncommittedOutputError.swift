/// The output (or the error log) cannot be closed for another file yet: it holds lines whose batch is not
/// committed, because the state cannot be written (a full disk, say). Only the commit syncs them, and a crash
/// before it leaves them where start-up looks for lines to adopt: so the file stays open, and is reopened or
/// rotated once the commit works again.
struct UncommittedOutputError: Error, CustomStringConvertible {
    /// Files whose outcomes wait for the commit.
    var files: Int

    var description: String {
        "\(files) files' lines in it are not committed yet (the state cannot be written); it is reopened once they are"
    }
}
