import Foundation
import Testing

@testable import PGLensAnalysis

/// Unindexed foreign keys, unused and redundant indexes, and their findings.
@Suite struct SchemaAuditTests {
    @Test func aForeignKeyWithoutALeadingIndexIsFound() {
        let traffic = [
            TrafficFilter(fingerprint: StatementFingerprint(7), table: "tokens", columns: ["customer_id"], calls: 50)
        ]
        let found = SchemaAudit.unindexedForeignKeys(CatalogFixtures.snapshot(), traffic: traffic)
        #expect(found.map(\.foreignKey.name) == ["tokens_customer_id_fkey"])
        #expect(found[0].table?.rows == 200_000)
        #expect(found[0].filteringStatements.map(\.fingerprint) == [StatementFingerprint(7)])
    }

    @Test func anIndexLeadingWithTheColumnsCoversTheForeignKeyButOneWithThemSecondDoesNot() {
        var indexes = CatalogFixtures.indexes
        indexes.append(CatalogIndex(table: "tokens", name: "second", columns: ["status", "customer_id"]))
        #expect(SchemaAudit.unindexedForeignKeys(CatalogFixtures.snapshot(indexes: indexes)).count == 1)
        indexes.append(CatalogIndex(table: "tokens", name: "leading", columns: ["customer_id", "status"]))
        #expect(SchemaAudit.unindexedForeignKeys(CatalogFixtures.snapshot(indexes: indexes)).isEmpty)
    }

    @Test func unusedIndexesAreUnscannedNonUniqueAndLargeEnough() {
        let indexes = [
            CatalogIndex(table: "tokens", name: "unused", columns: ["status"], sizeBytes: 2 << 20),
            CatalogIndex(table: "tokens", name: "small", columns: ["a"], sizeBytes: 8192),
            CatalogIndex(table: "tokens", name: "scanned", columns: ["b"], sizeBytes: 2 << 20, scans: 1),
            CatalogIndex(table: "tokens", name: "unique", columns: ["c"], isUnique: true, sizeBytes: 2 << 20),
            CatalogIndex(
                table: "tokens", name: "pkey", columns: ["id"], isUnique: true, isPrimary: true, sizeBytes: 2 << 20),
        ]
        #expect(SchemaAudit.unusedIndexes(CatalogFixtures.snapshot(indexes: indexes)).map(\.name) == ["unused"])
    }

    @Test func anIndexWhoseColumnsLeadAnotherIsRedundant() {
        let redundant = SchemaAudit.redundantIndexes(CatalogFixtures.snapshot())
        #expect(redundant.map(\.index.name) == ["tokens_status_idx"])
        #expect(redundant.map(\.coveredBy.name) == ["tokens_status_created_idx"])
    }

    @Test func ofTwoIndexesOnTheSameColumnsTheUniqueOneIsKept() {
        let indexes = [
            CatalogIndex(table: "t", name: "a_plain", columns: ["email"]),
            CatalogIndex(table: "t", name: "b_unique", columns: ["email"], isUnique: true),
            CatalogIndex(table: "t", name: "c_other_order", columns: ["name", "email"]),
            CatalogIndex(table: "t", name: "d_partial", columns: ["name"], predicate: "(x > 1)"),
            CatalogIndex(table: "t", name: "e_unique_prefix", columns: ["name"], isUnique: true),
        ]
        let redundant = SchemaAudit.redundantIndexes(CatalogFixtures.snapshot(indexes: indexes))
        // A unique index whose columns lead another enforces something: it stays; a partial one differs.
        #expect(redundant.map(\.index.name) == ["a_plain"])
        #expect(redundant.map(\.coveredBy.name) == ["b_unique"])
    }

    @Test func findingsCarryTheFixAndTheEvidence() throws {
        var advice = DatabaseAdvice(serverDatabase: "app")
        advice.snapshot = CatalogFixtures.snapshot(
            indexes: CatalogFixtures.indexes.map { index in
                var index = index
                if index.name == "tokens_status_created_idx" { index.scans = 0 }
                return index
            })
        advice.traffic = [
            TrafficFilter(fingerprint: StatementFingerprint(7), table: "tokens", columns: ["customer_id"], calls: 50)
        ]
        let findings = IndexAdviceFindings.findings(advice, database: "app")
        let foreignKey = try #require(findings.first { $0.kind == .foreignKeyWithoutIndex })
        #expect(foreignKey.table == "tokens")
        #expect(foreignKey.columns == ["customer_id"])
        #expect(foreignKey.severity == .critical)
        #expect(foreignKey.suggestion.hasPrefix("CREATE INDEX CONCURRENTLY ON tokens (customer_id);"))
        #expect(foreignKey.evidence["filtered_by_traffic"] == .bool(true))
        #expect(foreignKey.fingerprint == StatementFingerprint(7).hex)
        let unused = findings.filter { $0.kind == .unusedIndex }.map { $0.evidence["index"] }
        #expect(unused == [.string("tokens_status_idx"), .string("tokens_status_created_idx")])
        let duplicate = try #require(findings.first { $0.kind == .duplicateIndex })
        #expect(duplicate.suggestion.hasPrefix("DROP INDEX CONCURRENTLY tokens_status_idx;"))
        #expect(duplicate.severity == .warning)
        // Ids are stable.
        #expect(findings.map(\.id) == IndexAdviceFindings.findings(advice, database: "app").map(\.id))
    }
}
