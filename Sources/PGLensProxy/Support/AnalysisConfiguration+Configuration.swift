import PGLensAnalysis
import PGLensConfig

extension AnalysisConfiguration {
    /// The analysis settings of a proxy configuration: `capture_parameters`, `slow_query_threshold_ms` (and
    /// each database's own), `slow_query_log_size`, `stats_max_statements` and `analysis_queue_size`.
    init(_ configuration: Configuration, instanceID: String) {
        self.init()
        queueCapacity = configuration.analysisQueueSize
        maxStatements = configuration.statsMaxStatements
        slowLogCapacity = configuration.slowQueryLogSize
        captureParameters = configuration.captureParameters
        slowQueryThresholds = SlowQueryThresholds(
            defaultMilliseconds: configuration.slowQueryThresholdMs,
            perDatabaseMilliseconds: configuration.databases.compactMapValues(\.slowQueryThresholdMs))
        // N+1 queries, insert loops and duplicate queries per unit of work (defaults: 5 repetitions,
        // a 500 ms idle gap).
        detectors = [RepeatedStatementDetector()]
        self.instanceID = instanceID
        version = PGLensVersion.current
    }
}
