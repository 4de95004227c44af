/// The concrete advice for a statement that leaves session state under transaction pooling.
enum SessionStateAdvice {
    static func suggestion(kinds: [SessionStateKind], action: SessionStateAction) -> String {
        let remedy = kinds.first.map(remedy(for:)) ?? "Run it through a session-mode pool, or avoid session state."
        switch action {
        case .pin:
            return remedy + " pglens pinned the client to its server connection, which defeats pooling for it."
        case .warn:
            return remedy + " pglens let it run with a warning: the state can leak to other clients."
        case .error:
            return remedy + " pglens refused the statement."
        }
    }

    private static func remedy(for kind: SessionStateKind) -> String {
        switch kind {
        case .set, .reset, .resetAll, .setConfig:
            return "Use SET LOCAL (or set_config(name, value, true)) inside a transaction, "
                + "or ALTER ROLE / ALTER DATABASE ... SET for a lasting default."
        case .listen:
            return "LISTEN needs its own connection: run listeners through a session-mode pool or directly."
        case .advisoryLock:
            return "Use pg_advisory_xact_lock so the lock ends with the transaction, or a session-mode pool."
        case .temporaryObject:
            return "Create it inside a transaction with ON COMMIT DROP, or use a session-mode pool."
        case .holdableCursor:
            return "Use a cursor without WITH HOLD inside a transaction, or a session-mode pool."
        case .preparedStatement:
            return "Use protocol-level prepared statements (Parse/Bind) instead of SQL PREPARE and EXECUTE."
        }
    }
}
