import NewsFormat
import NewsIngestSystem

/// What a worker does with a submitted file: reads it (within the size limit), checks it is the version
/// submitted and whole, and parses it into a record line, or an error record saying why not.
struct FileParsing {
    let maxFileBytes: Int
    let toneStyle: ToneStyle
    let limits: ParseLimits

    /// The result for the file at `path`, submitted as `expected`. Without `reportingDenial` (its denial was
    /// reported before), a denial again is no result: nothing is written or committed.
    func result(path: String, expected: FileIdentity, reportingDenial: Bool = true, memo: WordMemo) -> FileResult {
        let now = Timestamp(millisecondsSince1970: WallClock.nowMilliseconds())
        do {
            let file = try ArticleFileReader.readFile(path, limit: maxFileBytes)
            let identity = FileIdentity(file.status)
            guard identity.size == Int64(file.bytes.count) else {
                // Still being written: the next event or scan takes it again.
                return FileResult(path: path, claimed: expected, identity: nil, outcome: .skipped)
            }
            let outcome: ResultOutcome
            do {
                let article = try ArticleParser(toneStyle: toneStyle).parse(
                    file.bytes, memo: memo, deadline: limits.deadline())
                let record = ArticleRecord(article: article, source: .file(file.source), ingestedAt: now)
                outcome = limits.outcome(of: record, id: article.id, path: path, size: file.bytes.count, time: now)
            } catch {
                outcome = .failure(
                    ErrorRecord(
                        time: now, path: path, reason: error.description, code: error.code.rawValue,
                        size: file.bytes.count))
            }
            return FileResult(
                path: path, claimed: expected, identity: identity, bornNanoseconds: file.status.bornNanoseconds,
                outcome: outcome)
        } catch let error as SystemCallError where error.isFileMissing {
            // Gone (moved or deleted) before it was read.
            return FileResult(path: path, claimed: expected, identity: nil, outcome: .skipped)
        } catch let error as SystemCallError where error.isPermissionDenied && !reportingDenial {
            // Committed as unreadable already, and reported then: `access(2)` said yes, `open(2)` no.
            return FileResult(path: path, claimed: expected, identity: nil, outcome: .skipped)
        } catch let error as SystemCallError where error.isPermissionDenied {
            // Reported once; a file whose owner or mode is put right is taken at once (the `chmod` is an
            // inotify event) or at the next scan, though the state still finds it by its size and modification
            // time, which a `chmod` does not change.
            let failure = ErrorRecord(
                time: now, path: path,
                reason: "\(error); it is taken once it may be read (give the daemon's user read permission)",
                code: "permission_denied", size: Int(expected.size))
            var result = FileResult(path: path, claimed: expected, identity: expected, outcome: .failure(failure))
            result.retryWhenReadable = true
            return result
        } catch {
            // Unreadable or too large: remembered by the identity the source saw, so it is not retried until
            // it changes.
            let failure = ErrorRecord(
                time: now, path: path, reason: "\(error)",
                code: error is FileTooLargeError ? "too_large" : "io", size: Int(expected.size))
            return FileResult(path: path, claimed: expected, identity: expected, outcome: .failure(failure))
        }
    }
}
