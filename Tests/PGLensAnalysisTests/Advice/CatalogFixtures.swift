import Foundation

@testable import PGLensAnalysis

/// A small catalog: `customers` (1000 rows, a primary key) and `tokens` (200 000 rows, a primary key, a
/// foreign key to customers without an index, and indexes on status and on (status, created_at)).
enum CatalogFixtures {
    static let customers = CatalogTable(schema: "public", name: "customers", rowEstimate: 1000, sizeBytes: 122_880)
    static let tokens = CatalogTable(
        schema: "public", name: "tokens", rowEstimate: 200_000, sizeBytes: 27_623_424, sequentialScans: 5,
        sequentialRowsRead: 1_000_000)

    static let indexes = [
        CatalogIndex(table: "customers", name: "customers_pkey", columns: ["id"], isUnique: true, isPrimary: true),
        CatalogIndex(
            table: "tokens", name: "tokens_pkey", columns: ["id"], isUnique: true, isPrimary: true,
            sizeBytes: 4_513_792),
        CatalogIndex(table: "tokens", name: "tokens_status_idx", columns: ["status"], sizeBytes: 1_400_832),
        CatalogIndex(
            table: "tokens", name: "tokens_status_created_idx", columns: ["status", "created_at"],
            sizeBytes: 1_433_600, scans: 12),
    ]

    static let foreignKeys = [
        CatalogForeignKey(
            table: "tokens", name: "tokens_customer_id_fkey", columns: ["customer_id"], referencedTable: "customers")
    ]

    static func snapshot(
        version: Int = 150_018, hypothetical: CatalogSnapshot.HypotheticalIndexes = .installed(version: "1.3.1"),
        indexes: [CatalogIndex] = indexes
    ) -> CatalogSnapshot {
        CatalogSnapshot(
            serverVersionNumber: version, maxConnections: 100, user: "app", hypotheticalIndexes: hypothetical,
            tables: [tokens, customers], indexes: indexes, foreignKeys: foreignKeys,
            takenAt: Date(timeIntervalSince1970: 1_700_000_000))
    }
}
