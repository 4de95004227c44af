/// What a kind of finding is called in the audit and why it matters, in one sentence each, for people
/// who did not write the detector.
///
/// Kinds are an open set: a kind this table does not know gets its name as title and a generic sentence.
enum FindingRationale {
    /// The section title of a finding of `kind` (`N+1 query`).
    static func title(of kind: FindingKind) -> String {
        entries[kind.rawValue]?.title ?? kind.rawValue.replacing("_", with: " ")
    }

    /// Why a finding of `kind` costs something.
    static func why(_ kind: FindingKind) -> String {
        entries[kind.rawValue]?.why
            ?? "pglens measured this pattern in the traffic; see the evidence above for what it costs."
    }

    private static let entries: [String: (title: String, why: String)] = [
        "n_plus_one": (
            "N+1 query",
            "Each row of the parent statement costs one more round trip to PostgreSQL: the request's time grows "
                + "with the number of rows, and a page that is fast with 10 rows is slow with 1 000."
        ),
        "repeated_insert": (
            "Rows inserted one at a time",
            "Every row pays a round trip, a parse and a commit of its own; one multi-row statement or COPY "
                + "writes the same rows in a fraction of the time."
        ),
        "duplicate_query": (
            "Same query, same values, run again",
            "The repeated executions return what the first one already returned: the time and the round trips "
                + "they take buy nothing."
        ),
        "repeated_aggregates": (
            "Aggregates of one table run one by one",
            "Each aggregate reads the same table again; one statement with FILTER clauses reads it once and "
                + "saves the other scans and round trips."
        ),
        "sequential_queries": (
            "Independent queries run one after another",
            "The request waits for the sum of the statements' times, when it could wait for the longest one "
                + "(run together) or for one round trip (combined)."
        ),
        "slow_query": (
            "Slow query",
            "Its executions exceed the slow-query threshold: the callers wait that long, and the server holds "
                + "the connection (and any locks) for as long."
        ),
        "session_state_in_transaction_mode": (
            "Session state under transaction pooling",
            "Under transaction pooling the next transaction may run on another server connection: the state "
                + "this statement leaves is either lost, leaked to another client, or pins the client and defeats "
                + "pooling."
        ),
        "missing_index": (
            "Missing index",
            "Without an index PostgreSQL reads the whole table to find the rows the statement wants, so its "
                + "time grows with the table and it competes with everything else for I/O."
        ),
        "fk_without_index": (
            "Foreign key without an index",
            "PostgreSQL does not index the referencing side of a foreign key: every lookup of a parent's "
                + "children and every DELETE or key UPDATE of a parent scans the child table."
        ),
        "unused_index": (
            "Unused index",
            "An index that no query reads still costs disk, memory and a write on every INSERT and UPDATE of "
                + "its table."
        ),
        "duplicate_index": (
            "Duplicate index",
            "Another index already serves every lookup this one serves; this one only costs disk, memory and "
                + "writes."
        ),
        "advisor_access": (
            "Index advisor without access",
            "pglens's advisor could not read the catalog or plan the statements, so the audit has no index "
                + "advice for this database until it can."
        ),
    ]
}
