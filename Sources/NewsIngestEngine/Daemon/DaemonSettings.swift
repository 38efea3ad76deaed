/// Everything `newsingest run` needs.
public struct DaemonSettings: Sendable {
    /// Watched directories.
    public var directories: [DirectorySettings]
    /// Polled URLs.
    public var urls: [URLSettings] = []
    /// How URLs are fetched.
    public var fetch = FetchSettings()
    /// Parsing and output.
    public var pipeline: PipelineSettings
    /// Where the state database lives.
    public var stateDirectory: String
    /// Days an emitted content or a taken index link is remembered after it was last seen; 0: for ever.
    public var forgetAfterDays = 0
    /// A file found by a scan is taken once unchanged for this long.
    public var settleSeconds: Double
    /// Seconds between rescans of every directory.
    public var rescanSeconds: Double
    /// How long `SIGTERM` waits for work in flight before giving up.
    public var shutdownTimeoutSeconds: Double
    /// swift-log level name (`info`, `debug`…).
    public var logLevel: String
    /// Where `/metrics` is served; `nil`: nowhere.
    public var metricsAddress: MetricsAddress?
    /// The cluster this daemon shares URL sources with (`[cluster]`); `nil`: none.
    public var cluster: ClusterSettings?

    /// Creates settings.
    public init(
        directories: [DirectorySettings],
        pipeline: PipelineSettings,
        stateDirectory: String,
        settleSeconds: Double,
        rescanSeconds: Double,
        shutdownTimeoutSeconds: Double,
        logLevel: String = "info"
    ) {
        self.directories = directories
        self.pipeline = pipeline
        self.stateDirectory = stateDirectory
        self.settleSeconds = settleSeconds
        self.rescanSeconds = rescanSeconds
        self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        self.logLevel = logLevel
    }
}
