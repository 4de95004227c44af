import Foundation

/// Why the advisor could not do its work in a database: it could not log in, or a statement it needs was
/// refused. Reported once per database, with what to grant; everything else goes on.
public struct AdvisorAccessProblem: Sendable, Equatable {
    /// What failed.
    public enum Stage: String, Sendable, Equatable {
        /// Connecting or logging in.
        case login
        /// Reading the catalog.
        case catalog
        /// Taking a statement's plan (EXPLAIN needs SELECT on its tables).
        case explain
    }

    /// What failed.
    public var stage: Stage
    /// The role the advisor used.
    public var user: String
    /// The SQLSTATE the server answered, if it answered.
    public var sqlState: String?
    /// The server's message (or the connection error).
    public var message: String
    /// When it happened (the latest time).
    public var at: Date

    /// Creates a problem.
    public init(stage: Stage, user: String, sqlState: String?, message: String, at: Date) {
        self.stage = stage
        self.user = user
        self.sqlState = sqlState
        self.message = message
        self.at = at
    }

    /// What to run on the server so that the advisor can work in `database` (the server's name for it).
    public func grants(database: String) -> String {
        let role = CatalogName.quoted(user)
        switch stage {
        case .login:
            return "Let \(role) log in to \(database) (a LOGIN role whose password is in [users], a pg_hba.conf "
                + "line for pglens's address, GRANT CONNECT ON DATABASE \(CatalogName.quoted(database)) TO \(role)), "
                + "or set advisor_user to a role that can; advisor = false turns the advisor off."
        case .catalog:
            return "GRANT CONNECT ON DATABASE \(CatalogName.quoted(database)) TO \(role); "
                + "GRANT pg_read_all_stats TO \(role);"
        case .explain:
            return "EXPLAIN needs SELECT on the statement's tables: GRANT USAGE ON SCHEMA public TO \(role); "
                + "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role); (or GRANT pg_read_all_data TO \(role) "
                + "on PostgreSQL 14 and later)."
        }
    }
}
