import Foundation

/// Builds the `pglens.report/v1` report from the analysis state.
public struct ReportBuilder: Sendable {
    /// This pglens instance's id.
    public var instanceID: String
    /// The pglens version.
    public var version: String
    /// Whether parameter values may appear in findings' evidence (`capture_parameters`).
    public var captureParameters: Bool

    /// Creates a builder.
    public init(instanceID: String, version: String, captureParameters: Bool = false) {
        self.instanceID = instanceID
        self.version = version
        self.captureParameters = captureParameters
    }

    /// Round-trip waste first (N+1 before the others), then everything else.
    static func rank(_ kind: FindingKind) -> Int {
        switch kind {
        case .nPlusOne: return 0
        case .repeatedInsert, .repeatedAggregates, .sequentialQueries, .duplicateQuery: return 1
        default: return 2
        }
    }

    /// The report: statements by total time (largest first), then findings: N+1 and other round-trip waste
    /// first, each group by severity and time spent.
    public func build(
        statistics: StatementStatistics, slowLog: SlowQueryLog, sources: [any FindingSource],
        counters: StatementEventQueue.Counters, windowStartedAt: Date, generatedAt: Date
    ) -> Report {
        var allFindings: [Finding] = []
        for source in sources { allFindings += source.findings(captureParameters: captureParameters) }
        allFindings.sort { lhs, rhs in
            if Self.rank(lhs.kind) != Self.rank(rhs.kind) { return Self.rank(lhs.kind) < Self.rank(rhs.kind) }
            if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
            if lhs.timeMilliseconds != rhs.timeMilliseconds { return lhs.timeMilliseconds > rhs.timeMilliseconds }
            return lhs.id < rhs.id
        }
        return Report(
            generatedAt: generatedAt,
            window: Report.Window(startedAt: windowStartedAt, endedAt: generatedAt),
            instance: Report.Instance(id: instanceID, version: version),
            statements: statistics.summaries(),
            findings: allFindings,
            analysis: Report.Analysis(
                eventsReceived: counters.received, eventsDropped: counters.dropped,
                statementsEvicted: statistics.evictions, slowExecutions: slowLog.slowExecutions))
    }
}
