/// A measured statement's table and compared columns, as its normalized text shows them: what tells
/// whether traffic filters on a foreign key's columns.
public struct TrafficFilter: Sendable, Equatable {
    /// The statement.
    public var fingerprint: StatementFingerprint
    /// Its main table, as written (maybe qualified).
    public var table: String
    /// The columns it compares with parameters.
    public var columns: [String]
    /// Its executions.
    public var calls: UInt64

    /// Creates a filter entry.
    public init(fingerprint: StatementFingerprint, table: String, columns: [String], calls: UInt64) {
        self.fingerprint = fingerprint
        self.table = table
        self.columns = columns
        self.calls = calls
    }

    /// The filters of `statements` (those with a table and compared columns).
    public static func filters(of statements: [StatementSummary]) -> [TrafficFilter] {
        statements.compactMap { statement in
            let shape = QueryShape(normalizedText: statement.query)
            guard let table = shape.table, !shape.filterColumns.isEmpty else { return nil }
            return TrafficFilter(
                fingerprint: statement.fingerprint, table: table, columns: shape.filterColumns, calls: statement.calls)
        }
    }

    /// Whether this statement reads `table` (`name` or `schema.name`) filtering on all of `columns`.
    func filters(_ table: CatalogTable, on columns: [String]) -> Bool {
        let names = [table.name, table.schema + "." + table.name]
        return names.contains(self.table) && Set(columns).isSubset(of: Set(self.columns))
    }
}
