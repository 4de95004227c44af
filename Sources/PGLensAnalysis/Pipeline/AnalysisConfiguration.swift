/// Settings of the statement analysis.
public struct AnalysisConfiguration: Sendable {
    /// Capacity of the event queue between the event loops and the analysis.
    public var queueCapacity = 65536
    /// Events applied per batch by the consumer.
    public var batchSize = 1024
    /// Texts kept in the consumer's cache for events carrying raw simple-query text.
    public var normalizationCacheCapacity = 4096
    /// Most statements kept in the statistics (`stats_max_statements`).
    public var maxStatements = 5000
    /// Slow-query thresholds (`slow_query_threshold_ms`, per database too).
    public var slowQueryThresholds = SlowQueryThresholds()
    /// Slow executions kept in the slow log's ring.
    public var slowLogCapacity = 1000
    /// Whether parameter values may appear in the report (`capture_parameters`).
    public var captureParameters = false
    /// This instance's id, for the report.
    public var instanceID = "pglens"
    /// The pglens version, for the report.
    public var version = "dev"
    /// More detectors fed every event after the statistics and the slow log (an N+1 detector, for example);
    /// their findings join the report's.
    public var detectors: [any FindingDetector] = []
    /// The statements whose result rows the event loops sample for lineage evidence, armed by the N+1
    /// detector (give the detector the same object).
    public var lineageArming = LineageArming()

    /// The defaults: queue 65536, batches of 1024, 5000 statements, 100 ms threshold, 1000 slow executions,
    /// no parameter capture.
    public init() {}
}
