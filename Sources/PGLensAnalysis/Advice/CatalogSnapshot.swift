import Foundation

/// What the advisor knows of one database's schema and server at one moment: the largest tables (at most
/// ``CatalogQueries/tableLimit``), their indexes and foreign keys, the server's version and
/// `max_connections`, and whether HypoPG can prove an index. A value: the advisor replaces it at each
/// refresh; everything that reads it is I/O-free.
public struct CatalogSnapshot: Sendable, Equatable {
    /// Whether HypoPG can be used in the database.
    public enum HypotheticalIndexes: Sendable, Equatable {
        /// The extension is installed in this database (`pg_extension`): hypothetical indexes can be made.
        case installed(version: String)
        /// The server has it (`pg_available_extensions`) but this database has not run `CREATE EXTENSION`.
        case availableNotInstalled
        /// The server does not have it.
        case unavailable
    }

    /// `server_version_num` (150004 for 15.4).
    public var serverVersionNumber: Int
    /// `max_connections`.
    public var maxConnections: Int
    /// The role the advisor is logged in as.
    public var user: String
    /// Whether HypoPG is there.
    public var hypotheticalIndexes: HypotheticalIndexes
    /// When the database's statistics (scan counters) were last reset; nil when never.
    public var statisticsResetAt: Date?
    /// The largest tables, largest first.
    public var tables: [CatalogTable]
    /// The indexes of those tables.
    public var indexes: [CatalogIndex]
    /// The foreign keys of those tables (as the referencing side).
    public var foreignKeys: [CatalogForeignKey]
    /// Whether the database has more tables than the snapshot holds.
    public var isTruncated: Bool
    /// When the snapshot was taken.
    public var takenAt: Date

    /// Creates a snapshot.
    public init(
        serverVersionNumber: Int, maxConnections: Int, user: String = "",
        hypotheticalIndexes: HypotheticalIndexes = .unavailable, statisticsResetAt: Date? = nil,
        tables: [CatalogTable], indexes: [CatalogIndex], foreignKeys: [CatalogForeignKey],
        isTruncated: Bool = false, takenAt: Date = Date()
    ) {
        self.serverVersionNumber = serverVersionNumber
        self.maxConnections = maxConnections
        self.user = user
        self.hypotheticalIndexes = hypotheticalIndexes
        self.statisticsResetAt = statisticsResetAt
        self.tables = tables
        self.indexes = indexes
        self.foreignKeys = foreignKeys
        self.isTruncated = isTruncated
        self.takenAt = takenAt
    }

    /// Whether `EXPLAIN (GENERIC_PLAN)` exists (PostgreSQL 16 and later).
    public var supportsGenericPlanOption: Bool { serverVersionNumber >= 160000 }

    /// Whether `plan_cache_mode = force_generic_plan` exists (PostgreSQL 12 and later): the way to a plan
    /// with parameters left unknown on 12 to 15.
    public var supportsForcedGenericPlans: Bool { serverVersionNumber >= 120000 }

    /// The table a statement names: `schema.table` exactly, else a bare name in `public`, else a bare
    /// name found in exactly one schema. Names compare as stored (the plan and the catalog both give
    /// them so).
    public func table(named name: String, schema: String? = nil) -> CatalogTable? {
        if let schema { return tables.first { $0.schema == schema && $0.name == name } }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let qualified = tables.first(where: { $0.schema == parts[0] && $0.name == parts[1] }) {
            return qualified
        }
        if let inPublic = tables.first(where: { $0.schema == "public" && $0.name == name }) { return inPublic }
        let matches = tables.filter { $0.name == name }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The indexes of `table`.
    public func indexes(on table: CatalogTable) -> [CatalogIndex] {
        indexes.filter { $0.schema == table.schema && $0.table == table.name }
    }

    /// The index that already serves a lookup on `columns` of `table` by its leading columns (the primary
    /// key first, then unique indexes, then the smallest), or nil.
    public func index(leadingWith columns: [String], on table: CatalogTable) -> CatalogIndex? {
        indexes(on: table).filter { $0.leads(with: columns) }
            .min {
                ($0.isPrimary ? 0 : $0.isUnique ? 1 : 2, $0.sizeBytes) < (
                    $1.isPrimary ? 0 : $1.isUnique ? 1 : 2, $1.sizeBytes
                )
            }
    }

    /// The index whose leading columns start with `column`, if any: an equality or range lookup on that
    /// column can use it.
    public func index(ledBy column: String, on table: CatalogTable) -> CatalogIndex? {
        index(leadingWith: [column], on: table)
            ?? indexes(on: table).first { $0.isValid && $0.predicate == nil && $0.leadingColumns.first == column }
    }
}
