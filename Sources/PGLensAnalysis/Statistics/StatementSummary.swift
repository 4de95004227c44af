import Foundation

/// A read-only summary of one statement's statistics, times in milliseconds; it is also an entry of the
/// report's `statements` array (snake_case keys, fingerprint as 16 hex digits, RFC 3339 timestamps).
public struct StatementSummary: Sendable, Equatable, Codable {
    /// The normalized statement's fingerprint.
    public var fingerprint: StatementFingerprint
    /// Normalized text (as first seen).
    public var query: String
    /// Database.
    public var database: String
    /// User.
    public var user: String
    /// `application_name`.
    public var applicationName: String
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

    enum CodingKeys: String, CodingKey {
        case fingerprint, query, database, user, calls, rows, errors
        case applicationName = "application_name"
        case totalMilliseconds = "total_ms"
        case meanMilliseconds = "mean_ms"
        case minMilliseconds = "min_ms"
        case maxMilliseconds = "max_ms"
        case p50Milliseconds = "p50_ms"
        case p95Milliseconds = "p95_ms"
        case p99Milliseconds = "p99_ms"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }

    /// Which statement, database, user and application.
    public var key: StatementKey {
        StatementKey(fingerprint: fingerprint, database: database, user: user, applicationName: applicationName)
    }
}
