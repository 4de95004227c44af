/// A kind of state a statement leaves on its server connection, past the end of its transaction: under
/// transaction pooling the next client on that connection would inherit it.
public enum SessionStateKind: String, Sendable, Hashable, CaseIterable {
    /// `SET name ...` or `SET SESSION ...` (not `SET LOCAL`, `SET TRANSACTION`, `SET CONSTRAINTS`).
    case set
    /// `RESET name`.
    case reset
    /// `RESET ALL`.
    case resetAll = "reset_all"
    /// `LISTEN channel`.
    case listen
    /// A session-level advisory lock: `pg_advisory_lock`, `pg_advisory_lock_shared`, `pg_try_advisory_lock*`.
    case advisoryLock = "advisory_lock"
    /// `CREATE TEMP|TEMPORARY TABLE|VIEW|SEQUENCE` (not `ON COMMIT DROP`) or `SELECT ... INTO TEMP`.
    case temporaryObject = "temporary_object"
    /// `DECLARE ... WITH HOLD` cursor.
    case holdableCursor = "holdable_cursor"
    /// SQL-level `PREPARE name AS ...`.
    case preparedStatement = "prepared_statement"
    /// `set_config(name, value, false)`: a session-level setting from a function call.
    case setConfig = "set_config"
}
