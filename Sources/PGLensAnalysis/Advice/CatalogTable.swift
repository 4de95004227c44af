/// One table of a database as the advisor's catalog snapshot saw it: its size, the planner's row estimate
/// and the scan counters of `pg_stat_user_tables` (since the statistics were last reset).
public struct CatalogTable: Sendable, Equatable, Codable {
    /// The schema (`public`).
    public var schema: String
    /// The table's name, as stored (case kept).
    public var name: String
    /// `pg_class.reltuples`: the planner's estimate of its rows (-1 before the first ANALYZE on 14+).
    public var rowEstimate: Double
    /// `pg_total_relation_size`: heap, indexes and TOAST, in bytes.
    public var sizeBytes: Int64
    /// Sequential scans started.
    public var sequentialScans: Int64
    /// Rows read by sequential scans.
    public var sequentialRowsRead: Int64
    /// Index scans started.
    public var indexScans: Int64

    /// Creates a table entry.
    public init(
        schema: String, name: String, rowEstimate: Double, sizeBytes: Int64, sequentialScans: Int64 = 0,
        sequentialRowsRead: Int64 = 0, indexScans: Int64 = 0
    ) {
        self.schema = schema
        self.name = name
        self.rowEstimate = rowEstimate
        self.sizeBytes = sizeBytes
        self.sequentialScans = sequentialScans
        self.sequentialRowsRead = sequentialRowsRead
        self.indexScans = indexScans
    }

    /// The name as a statement writes it: unqualified in `public`, `schema.name` elsewhere, quoted where
    /// PostgreSQL needs quotes.
    public var displayName: String { CatalogName.display(schema: schema, name: name) }

    /// The row estimate, 0 when the table was never analyzed.
    public var rows: Int64 { rowEstimate > 0 ? Int64(rowEstimate) : 0 }

    enum CodingKeys: String, CodingKey {
        case schema, name
        case rowEstimate = "row_estimate"
        case sizeBytes = "size_bytes"
        case sequentialScans = "seq_scan"
        case sequentialRowsRead = "seq_tup_read"
        case indexScans = "idx_scan"
    }
}
