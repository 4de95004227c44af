import Foundation

/// Per-statement statistics (calls, rows, errors, latency with percentiles, first and last seen), keyed by
/// ``StatementKey`` and bounded: past `maxStatements` the least recently executed statement is evicted.
///
/// A value type without locks, meant for the one consumer that applies events in order. Time comes only from
/// the events' timestamps, so tests drive it with made-up timestamps.
public struct StatementStatistics: Sendable {
    private struct Aggregate: Sendable {
        var query: String
        var rows: UInt64 = 0
        var errors: UInt64 = 0
        var latency = LatencyHistogram()
        var firstSeen: Date
        var lastSeen: Date
    }

    /// The most statements kept.
    public let maxStatements: Int
    private var aggregates: LeastRecentlyUsedDictionary<StatementKey, Aggregate>
    /// Statements evicted to stay within ``maxStatements`` since creation or the last ``reset()``.
    public private(set) var evictions = 0

    /// Creates empty statistics keeping at most `maxStatements` statements.
    public init(maxStatements: Int = 5000) {
        self.maxStatements = maxStatements
        self.aggregates = LeastRecentlyUsedDictionary(capacity: maxStatements)
    }

    /// The number of statements tracked.
    public var count: Int { aggregates.count }

    /// Adds one execution.
    public mutating func record(_ event: StatementEvent) {
        let seen = event.startedAt
        let evicted = aggregates.update(
            StatementKey(event),
            creating: { Aggregate(query: event.statement.text, firstSeen: seen, lastSeen: seen) },
            { aggregate in
                aggregate.rows &+= event.rows
                aggregate.errors += event.isError ? 1 : 0
                aggregate.latency.record(nanoseconds: event.durationNanoseconds)
                aggregate.firstSeen = min(aggregate.firstSeen, seen)
                aggregate.lastSeen = max(aggregate.lastSeen, seen)
            })
        if evicted != nil { evictions += 1 }
    }

    /// Forgets every statement and the eviction count.
    public mutating func reset() {
        aggregates.removeAll()
        evictions = 0
    }

    /// The summary of one statement, if tracked.
    public func summary(for key: StatementKey) -> StatementSummary? {
        aggregates.peekValue(forKey: key).map { Self.summary(key, $0) }
    }

    /// Every statement's summary, by total time (largest first), ties by fingerprint.
    public func summaries() -> [StatementSummary] {
        var result: [StatementSummary] = []
        result.reserveCapacity(aggregates.count)
        aggregates.forEach { key, aggregate in result.append(Self.summary(key, aggregate)) }
        return result.sorted { order($0, $1, by: \.totalMilliseconds) }
    }

    /// The `limit` statements with the largest total time.
    public func topByTotalTime(limit: Int) -> [StatementSummary] {
        Array(summaries().prefix(limit))
    }

    /// The `limit` statements with the largest mean time.
    public func topByMeanTime(limit: Int) -> [StatementSummary] {
        Array(summaries().sorted { order($0, $1, by: \.meanMilliseconds) }.prefix(limit))
    }

    private func order(
        _ lhs: StatementSummary, _ rhs: StatementSummary, by time: KeyPath<StatementSummary, Double>
    )
        -> Bool
    {
        if lhs[keyPath: time] != rhs[keyPath: time] { return lhs[keyPath: time] > rhs[keyPath: time] }
        return lhs.fingerprint != rhs.fingerprint
            ? lhs.fingerprint < rhs.fingerprint
            : (lhs.database, lhs.user, lhs.applicationName) < (rhs.database, rhs.user, rhs.applicationName)
    }

    private static func summary(_ key: StatementKey, _ aggregate: Aggregate) -> StatementSummary {
        let latency = aggregate.latency
        return StatementSummary(
            fingerprint: key.fingerprint, query: aggregate.query, database: key.database, user: key.user,
            applicationName: key.applicationName, calls: latency.count, rows: aggregate.rows,
            errors: aggregate.errors, totalMilliseconds: latency.totalMilliseconds,
            meanMilliseconds: latency.meanMilliseconds, minMilliseconds: latency.minimumMilliseconds,
            maxMilliseconds: latency.maximumMilliseconds, p50Milliseconds: latency.milliseconds(atPercentile: 50),
            p95Milliseconds: latency.milliseconds(atPercentile: 95),
            p99Milliseconds: latency.milliseconds(atPercentile: 99), firstSeen: aggregate.firstSeen,
            lastSeen: aggregate.lastSeen)
    }
}
