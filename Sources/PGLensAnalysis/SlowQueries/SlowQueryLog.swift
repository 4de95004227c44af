import Foundation

/// The slow-query log: every execution at or over its database's threshold is kept in a bounded ring (the
/// newest `capacity` ones), and aggregated per (fingerprint, database, application) into a `slow_query`
/// finding.
///
/// A value type without locks, for the one consumer that applies events in order.
public struct SlowQueryLog: Sendable {
    struct AggregateKey: Hashable, Sendable {
        var fingerprint: StatementFingerprint
        var database: String
        var applicationName: String
    }

    struct Aggregate: Sendable {
        var query: String
        var latency = LatencyHistogram()
        var firstSeen: Date
        var lastSeen: Date
        var thresholdMilliseconds: Double
        var worstParameters: [String?]?
    }

    /// When an execution is slow.
    public var thresholds: SlowQueryThresholds
    private var ring: BoundedRing<SlowQueryExecution>
    private(set) var aggregates: LeastRecentlyUsedDictionary<AggregateKey, Aggregate>
    /// Executions recorded as slow since creation or the last ``reset()``.
    public private(set) var slowExecutions = 0

    /// Creates an empty log keeping the newest `capacity` slow executions and at most `maxFingerprints`
    /// aggregated slow statements.
    public init(
        thresholds: SlowQueryThresholds = SlowQueryThresholds(), capacity: Int = 1000, maxFingerprints: Int = 1000
    ) {
        self.thresholds = thresholds
        self.ring = BoundedRing(capacity: capacity)
        self.aggregates = LeastRecentlyUsedDictionary(capacity: maxFingerprints)
    }

    /// Records `event` if it is slow; returns whether it was.
    @discardableResult
    public mutating func record(_ event: StatementEvent) -> Bool {
        guard thresholds.isSlow(event.durationNanoseconds, in: event.database) else { return false }
        slowExecutions += 1
        ring.append(SlowQueryExecution(event))
        let key = AggregateKey(
            fingerprint: event.statement.fingerprint, database: event.database, applicationName: event.applicationName)
        let threshold = thresholds.milliseconds(for: event.database)
        aggregates.update(
            key,
            creating: {
                Aggregate(
                    query: event.statement.text, firstSeen: event.startedAt, lastSeen: event.startedAt,
                    thresholdMilliseconds: threshold)
            },
            { aggregate in
                if event.durationNanoseconds > aggregate.latency.maximumNanoseconds || aggregate.latency.count == 0 {
                    aggregate.worstParameters = event.parameters
                }
                aggregate.latency.record(nanoseconds: event.durationNanoseconds)
                aggregate.firstSeen = min(aggregate.firstSeen, event.startedAt)
                aggregate.lastSeen = max(aggregate.lastSeen, event.startedAt)
                aggregate.thresholdMilliseconds = threshold
            })
        return true
    }

    /// The slow executions kept, oldest first.
    public var recentExecutions: [SlowQueryExecution] { ring.elements }

    /// Forgets every slow execution and aggregate.
    public mutating func reset() {
        ring.removeAll()
        aggregates.removeAll()
        slowExecutions = 0
    }
}
