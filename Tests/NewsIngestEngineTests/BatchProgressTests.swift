import Testing

@testable import NewsIngestEngine

/// The progress line and summary `newsingest parse` shows.
@Suite struct BatchProgressTests {
    func tally(files: Int, records: Int, errors: Int, bytes: Int64) -> BatchRun.Tally {
        var tally = BatchRun.Tally()
        (tally.files, tally.records, tally.errors, tally.bytes) = (files, records, errors, bytes)
        return tally
    }

    @Test func theLineSaysDoneOfTheTotalTheRateTheTimeLeftAndTheErrors() {
        let line = BatchProgress.line(
            tally(files: 1234, records: 1232, errors: 2, bytes: 12_300_000), totalFiles: 50_000,
            totalBytes: 400_000_000, seconds: 2)
        // 12.3 MB in 2 s: 6.2 MB/s; 387.7 MB left at that rate: 63 s.
        #expect(line == "1234/50000 files · 12.3/400.0 MB · 6.2 MB/s · ETA 1:03 · 2 errors")
        let start = BatchProgress.line(
            tally(files: 0, records: 0, errors: 0, bytes: 0), totalFiles: 3, totalBytes: 0, seconds: 0)
        #expect(start == "0/3 files · 0.0/0.0 MB · 0.0 MB/s · 0 errors")
        // Sizes unknown (standard input): the time left by files.
        let byFiles = BatchProgress.line(
            tally(files: 1, records: 0, errors: 1, bytes: 0), totalFiles: 4, totalBytes: 0, seconds: 10)
        #expect(byFiles == "1/4 files · 0.0/0.0 MB · 0.0 MB/s · ETA 0:30 · 1 error")
    }

    @Test func theSummaryAndTheClock() {
        #expect(
            BatchProgress.summary(tally(files: 50_000, records: 49_998, errors: 2, bytes: 400_000_000), seconds: 5.2)
                == "parsed 50000 files: 49998 records, 2 errors, 400.0 MB in 5.2 s (76.9 MB/s)")
        #expect(
            BatchProgress.summary(tally(files: 0, records: 0, errors: 0, bytes: 0), seconds: 0).hasSuffix("(0.0 MB/s)"))
        #expect(BatchProgress.clock(8) == "0:08" && BatchProgress.clock(754) == "12:34")
        #expect(BatchProgress.clock(3723) == "1:02:03" && BatchProgress.clock(.infinity) == "0:00")
        #expect(BatchProgress.clock(-5) == "0:00")
    }
}
