/// One index as the advisor's catalog snapshot saw it.
public struct CatalogIndex: Sendable, Equatable, Codable {
    /// The schema of its table.
    public var schema: String
    /// Its table's name.
    public var table: String
    /// The index's name.
    public var name: String
    /// Its key columns in order (INCLUDE columns left out); nil for an expression (`lower(email)`).
    public var columns: [String?]
    /// A unique index (a primary key's too).
    public var isUnique: Bool
    /// The primary key's index.
    public var isPrimary: Bool
    /// False while a `CREATE INDEX CONCURRENTLY` is unfinished or failed: the planner does not use it.
    public var isValid: Bool
    /// The WHERE of a partial index, as `pg_get_expr` writes it; nil for a full index.
    public var predicate: String?
    /// `pg_get_indexdef`: the statement that would create it.
    public var definition: String
    /// The access method (`btree`, `gin`, ...).
    public var method: String
    /// `pg_relation_size` of the index, in bytes.
    public var sizeBytes: Int64
    /// Index scans started (`pg_stat_user_indexes.idx_scan`) since the statistics were reset.
    public var scans: Int64

    /// Creates an index entry.
    public init(
        schema: String = "public", table: String, name: String, columns: [String?], isUnique: Bool = false,
        isPrimary: Bool = false, isValid: Bool = true, predicate: String? = nil, definition: String = "",
        method: String = "btree", sizeBytes: Int64 = 0, scans: Int64 = 0
    ) {
        self.schema = schema
        self.table = table
        self.name = name
        self.columns = columns
        self.isUnique = isUnique
        self.isPrimary = isPrimary
        self.isValid = isValid
        self.predicate = predicate
        self.definition = definition
        self.method = method
        self.sizeBytes = sizeBytes
        self.scans = scans
    }

    /// The key columns before the first expression: the ones a lookup on plain columns can use.
    public var leadingColumns: [String] {
        var leading: [String] = []
        for column in columns {
            guard let column else { break }
            leading.append(column)
        }
        return leading
    }

    /// Whether the index can serve a lookup on all of `columns` by its leading columns: a valid, full
    /// B-tree whose first `columns.count` key columns are exactly those columns, in any order (equality
    /// lookups do not care about the order of their columns).
    public func leads(with columns: [String]) -> Bool {
        guard isValid, predicate == nil, method == "btree", !columns.isEmpty else { return false }
        let leading = leadingColumns
        guard leading.count >= columns.count else { return false }
        return Set(leading.prefix(columns.count)) == Set(columns)
    }

    /// The name as a statement writes it (`DROP INDEX CONCURRENTLY ...`).
    public var displayName: String { CatalogName.display(schema: schema, name: name) }

    enum CodingKeys: String, CodingKey {
        case schema, table, name, columns, predicate, definition, method, scans
        case isUnique = "is_unique"
        case isPrimary = "is_primary"
        case isValid = "is_valid"
        case sizeBytes = "size_bytes"
    }
}
