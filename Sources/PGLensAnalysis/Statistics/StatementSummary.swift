import Foundation

/// A read-only summary of one statement's statistics; times in milliseconds.
public struct StatementSummary: Sendable, Equatable {
    /// Which statement, database, user and application.
    public var key: StatementKey
    /// Normalized text (as first seen).
    public var query: String
    /// Executions seen.
    public var calls: UInt64
    /// Rows returned or affected, summed.
    public var rows: UInt64
    /// Executions that ended in an error.
    public var errors: UInt64
    /// Total time.
    public var totalMilliseconds: Double
    /// Mean time.
    public var meanMilliseconds: Double
    /// Fastest execution.
    public var minMilliseconds: Double
    /// Slowest execution.
    public var maxMilliseconds: Double
    /// Median, from the histogram (microsecond resolution, 3 significant digits).
    public var p50Milliseconds: Double
    /// 95th percentile.
    public var p95Milliseconds: Double
    /// 99th percentile.
    public var p99Milliseconds: Double
    /// Start of the first execution seen.
    public var firstSeen: Date
    /// Start of the last execution seen.
    public var lastSeen: Date
}
