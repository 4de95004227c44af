import PGWire

/// What a query that pglens itself ran on a server connection came to.
struct InternalQueryResult: Sendable, Equatable {
    /// The first error the server reported, if any.
    var error: ErrorFields?
    /// The transaction status of the ReadyForQuery that ended it.
    var transactionStatus: TransactionStatus
    /// Its first rows (at most ``maximumRows``), each value as text; nil for SQL NULL.
    var rows: [[String?]] = []

    /// The most rows an internal query keeps.
    static let maximumRows = 16
}
