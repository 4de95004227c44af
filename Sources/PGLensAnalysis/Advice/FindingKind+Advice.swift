extension FindingKind {
    /// A measured statement that scans a table an index would serve (proven with HypoPG when it can be).
    public static let missingIndex: FindingKind = "missing_index"
    /// A foreign key whose referencing columns no index leads with.
    public static let foreignKeyWithoutIndex: FindingKind = "fk_without_index"
    /// An index never scanned since the statistics were reset (not unique, not a primary key).
    public static let unusedIndex: FindingKind = "unused_index"
    /// An index whose columns lead another index's.
    public static let duplicateIndex: FindingKind = "duplicate_index"
    /// The advisor could not log in or lacks a privilege: what to grant.
    public static let advisorAccess: FindingKind = "advisor_access"
}
