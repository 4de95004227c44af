import PGWire

/// What a query that pglens itself ran on a server connection came to.
struct InternalQueryResult: Sendable, Equatable {
    /// The first error the server reported, if any.
    var error: ErrorFields?
    /// The transaction status of the ReadyForQuery that ended it.
    var transactionStatus: TransactionStatus
}
