import Foundation

/// One execution at or over the slow-query threshold, as kept in the slow log's ring.
/// Encoded (for `GET /api/v1/slow`) with snake_case keys, the fingerprint as hex, RFC 3339 dates.
public struct SlowQueryExecution: Sendable, Equatable, Encodable {
    /// When it started.
    public var startedAt: Date
    /// How long it took, in milliseconds.
    public var durationMilliseconds: Double
    /// Rows returned or affected.
    public var rows: UInt64
    /// Database.
    public var database: String
    /// User.
    public var user: String
    /// `application_name`.
    public var applicationName: String
    /// The client's address.
    public var clientAddress: String
    /// The statement's fingerprint.
    public var fingerprint: StatementFingerprint
    /// Normalized text.
    public var query: String
    /// The SQLSTATE if it failed.
    public var sqlState: String?

    enum CodingKeys: String, CodingKey {
        case rows, database, user, fingerprint, query
        case startedAt = "started_at"
        case durationMilliseconds = "duration_ms"
        case applicationName = "application_name"
        case clientAddress = "client_addr"
        case sqlState = "sqlstate"
    }

    init(_ event: StatementEvent) {
        startedAt = event.startedAt
        durationMilliseconds = LatencyHistogram.milliseconds(event.durationNanoseconds)
        rows = event.rows
        database = event.database
        user = event.user
        applicationName = event.applicationName
        clientAddress = event.clientAddress
        fingerprint = event.statement.fingerprint
        query = event.statement.text
        sqlState = event.sqlState
    }
}
