/// What pglens does, under transaction pooling, with a statement that leaves state on the server
/// connection (`SET`, `LISTEN`, `pg_advisory_lock`, a temporary table, a `WITH HOLD` cursor, SQL
/// `PREPARE`): state that the next client of that connection would otherwise inherit.
public enum SessionStatePolicy: String, Sendable, Equatable, CaseIterable {
    /// The client keeps its server connection until it disconnects (session pooling for that client).
    case pin
    /// Log a warning and go on as if nothing happened: the state leaks to other clients.
    case warn
    /// Refuse the statement: the client gets an error (SQLSTATE 0A000) in place of its result.
    case error
}
