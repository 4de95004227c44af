import Foundation

/// One execution at or over the slow-query threshold, as kept in the slow log's ring.
public struct SlowQueryExecution: Sendable, Equatable {
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
