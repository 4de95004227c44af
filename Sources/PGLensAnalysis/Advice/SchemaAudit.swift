/// The schema's side of the advice, from a catalog snapshot alone (and the measured statements' filters):
/// foreign keys no index serves, indexes never scanned, indexes another one makes redundant.
public enum SchemaAudit {
    /// An index smaller than this is not worth a finding when unused.
    public static let unusedIndexMinimumBytes: Int64 = 1 << 20
    /// A child table from this many rows makes an unindexed foreign key critical when traffic filters on it.
    public static let criticalForeignKeyRows: Int64 = 100_000

    /// An unindexed foreign key.
    public struct UnindexedForeignKey: Sendable, Equatable {
        /// The constraint.
        public var foreignKey: CatalogForeignKey
        /// The referencing table, when it is in the snapshot.
        public var table: CatalogTable?
        /// The measured statements that filter on its columns.
        public var filteringStatements: [TrafficFilter]
    }

    /// An index another one makes redundant.
    public struct RedundantIndex: Sendable, Equatable {
        /// The index to drop.
        public var index: CatalogIndex
        /// The index that serves every lookup it serves.
        public var coveredBy: CatalogIndex
    }

    /// Foreign keys whose referencing columns no valid, full B-tree leads with (in any order): deleting or
    /// updating a parent row scans the child table, and so does every lookup of a parent's children.
    public static func unindexedForeignKeys(
        _ snapshot: CatalogSnapshot, traffic: [TrafficFilter] = []
    ) -> [UnindexedForeignKey] {
        snapshot.foreignKeys.compactMap { foreignKey in
            let table = snapshot.table(named: foreignKey.table, schema: foreignKey.schema)
            let covered = snapshot.indexes.contains {
                $0.schema == foreignKey.schema && $0.table == foreignKey.table && $0.leads(with: foreignKey.columns)
            }
            guard !covered else { return nil }
            let filtering = table.map { table in traffic.filter { $0.filters(table, on: foreignKey.columns) } } ?? []
            return UnindexedForeignKey(foreignKey: foreignKey, table: table, filteringStatements: filtering)
        }
    }

    /// Indexes with no scan since the statistics were reset, that enforce nothing (not unique, not a
    /// primary key), valid, and at least ``unusedIndexMinimumBytes``.
    public static func unusedIndexes(_ snapshot: CatalogSnapshot) -> [CatalogIndex] {
        snapshot.indexes.filter {
            $0.scans == 0 && !$0.isUnique && !$0.isPrimary && $0.isValid && $0.sizeBytes >= unusedIndexMinimumBytes
        }
    }

    /// Indexes whose key columns are the leading key columns of another index of the same table, with the
    /// same method and the same partial predicate, and which enforce nothing the other does not: every
    /// lookup the first serves, the second serves too. Of two indexes on the same columns, the one kept
    /// is the unique one, else the one with more scans, else the first by name.
    public static func redundantIndexes(_ snapshot: CatalogSnapshot) -> [RedundantIndex] {
        var redundant: [RedundantIndex] = []
        let byTable = Dictionary(grouping: snapshot.indexes.filter(\.isValid)) { "\($0.schema).\($0.table)" }
        for key in byTable.keys.sorted() {
            let indexes = byTable[key]!.sorted { $0.name < $1.name }
            for index in indexes
            where !index.leadingColumns.isEmpty && index.leadingColumns.count == index.columns.count {
                let coverer = indexes.first { other in
                    guard other.name != index.name, other.method == index.method, other.predicate == index.predicate
                    else { return false }
                    let otherLeading = other.leadingColumns
                    guard otherLeading.count >= index.columns.count,
                        Array(otherLeading.prefix(index.columns.count)) == index.leadingColumns
                    else { return false }
                    if otherLeading.count == index.columns.count {
                        // The same columns: drop one of the two only.
                        return keeps(other, over: index)
                    }
                    return !index.isUnique && !index.isPrimary
                }
                if let coverer { redundant.append(RedundantIndex(index: index, coveredBy: coverer)) }
            }
        }
        return redundant
    }

    /// Of two indexes on the same columns, whether `first` is the one to keep.
    private static func keeps(_ first: CatalogIndex, over second: CatalogIndex) -> Bool {
        if first.isPrimary != second.isPrimary { return first.isPrimary }
        if first.isUnique != second.isUnique { return first.isUnique }
        if first.scans != second.scans { return first.scans > second.scans }
        return first.name < second.name
    }
}
