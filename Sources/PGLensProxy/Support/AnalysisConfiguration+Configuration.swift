import PGLensAnalysis
import PGLensConfig

extension AnalysisConfiguration {
    /// The analysis settings of a proxy configuration: `capture_parameters`, `slow_query_threshold_ms` (and
    /// each database's own), `slow_query_log_size`, `stats_max_statements`, `analysis_queue_size`,
    /// `n_plus_one_min_repetitions` and `unit_of_work_gap_ms`.
    init(_ configuration: Configuration, instanceID: String) {
        self.init()
        queueCapacity = configuration.analysisQueueSize
        maxStatements = configuration.statsMaxStatements
        slowLogCapacity = configuration.slowQueryLogSize
        captureParameters = configuration.captureParameters
        slowQueryThresholds = SlowQueryThresholds(
            defaultMilliseconds: configuration.slowQueryThresholdMs,
            perDatabaseMilliseconds: configuration.databases.compactMapValues(\.slowQueryThresholdMs))
        // N+1 queries, insert loops and duplicate queries per unit of work.
        detectors = [
            UnitOfWorkDetector(
                configuration: UnitOfWorkDetector.Configuration(
                    minimumRepetitions: configuration.nPlusOneMinRepetitions,
                    unitGapNanoseconds: UInt64(configuration.unitOfWorkGapMs * 1_000_000),
                    lineageArming: lineageArming))
        ]
        self.instanceID = instanceID
        version = PGLensVersion.current
    }
}
