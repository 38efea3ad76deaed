/// Something that finds articles and submits them to the pipeline: watched directories
/// (``DirectorySource``), polled URLs (``URLSource``). The daemon starts every source once the pipeline is
/// open, and stops them all before it drains the pipeline: what a source submitted before ``stop()`` is
/// still written and committed.
public protocol IngestSource: AnyObject, Sendable {
    /// Starts finding work; `ready` runs once the source is in place (a directory source watches, a URL
    /// source has its polls scheduled), so that nothing arriving from then on is missed.
    func start(ready: @escaping @Sendable () -> Void)

    /// Stops finding work; a scan or fetch in progress gives up at its next step, and nothing half-submitted
    /// is left behind.
    func stop()
}

extension DirectorySource: IngestSource {}

extension URLSource: IngestSource {}
