import Foundation
import Testing

@testable import PGLensAnalysis

/// The catalog model: reading the advisor's answers, finding tables, and the coverage rules (which index
/// already serves a lookup on given columns).
@Suite struct CatalogSnapshotTests {
    @Test func readsTheCatalogAnswers() throws {
        let server: [String?] = ["150018", "100", "1.3.1", "t", "app", nil]
        let schema: [String?] = [
            #"[{"schema":"public","name":"tokens","row_estimate":200000,"size_bytes":27623424,"seq_scan":5,"seq_tup_read":400000,"idx_scan":0}]"#,
            #"[{"schema":"public","table":"tokens","name":"tokens_lower_idx","columns":[null,"status"],"is_unique":false,"is_primary":false,"is_valid":true,"predicate":"(status = 'new'::text)","definition":"CREATE INDEX ...","method":"btree","size_bytes":8192,"scans":3}]"#,
            #"[{"schema":"public","table":"tokens","name":"tokens_customer_id_fkey","columns":["customer_id"],"referenced_schema":"public","referenced_table":"customers"}]"#,
        ]
        let snapshot = try CatalogQueries.snapshot(serverRow: server, schemaRow: schema)
        #expect(snapshot.serverVersionNumber == 150018)
        #expect(snapshot.maxConnections == 100)
        #expect(snapshot.hypotheticalIndexes == .installed(version: "1.3.1"))
        #expect(!snapshot.supportsGenericPlanOption)
        #expect(snapshot.supportsForcedGenericPlans)
        #expect(snapshot.statisticsResetAt == nil)
        #expect(snapshot.tables.map(\.rows) == [200_000])
        #expect(snapshot.tables[0].sequentialRowsRead == 400_000)
        #expect(snapshot.indexes[0].columns == [nil, "status"])
        #expect(snapshot.indexes[0].leadingColumns.isEmpty)
        #expect(snapshot.indexes[0].predicate == "(status = 'new'::text)")
        #expect(snapshot.foreignKeys[0].columns == ["customer_id"])
        #expect(!snapshot.isTruncated)
    }

    @Test func hypopgAvailableButNotInstalled() throws {
        let snapshot = try CatalogQueries.snapshot(
            serverRow: ["160002", "200", nil, "t", "app", "1700000000"], schemaRow: ["[]", "[]", "[]"])
        #expect(snapshot.hypotheticalIndexes == .availableNotInstalled)
        #expect(snapshot.supportsGenericPlanOption)
        #expect(snapshot.statisticsResetAt == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func unreadableAnswersThrow() {
        #expect(throws: CatalogQueries.UnreadableAnswer.self) {
            try CatalogQueries.snapshot(serverRow: ["x", "100", nil, "f", "app", nil], schemaRow: ["[]", "[]", "[]"])
        }
        #expect(throws: CatalogQueries.UnreadableAnswer.self) {
            try CatalogQueries.snapshot(
                serverRow: ["150000", "100", nil, "f", "app", nil], schemaRow: ["{", "[]", "[]"])
        }
    }

    @Test func moreTablesThanTheLimitAreCutAndFlagged() throws {
        let table =
            #"{"schema":"public","name":"t","row_estimate":1,"size_bytes":1,"seq_scan":0,"seq_tup_read":0,"idx_scan":0}"#
        let tables = "[" + Array(repeating: table, count: CatalogQueries.tableLimit + 1).joined(separator: ",") + "]"
        let snapshot = try CatalogQueries.snapshot(
            serverRow: ["150000", "100", nil, "f", "app", nil], schemaRow: [tables, "[]", "[]"])
        #expect(snapshot.tables.count == CatalogQueries.tableLimit)
        #expect(snapshot.isTruncated)
    }

    @Test func findsTablesByBareOrQualifiedName() {
        var snapshot = CatalogFixtures.snapshot()
        snapshot.tables.append(CatalogTable(schema: "audit", name: "events", rowEstimate: 10, sizeBytes: 1))
        snapshot.tables.append(CatalogTable(schema: "audit", name: "tokens", rowEstimate: 10, sizeBytes: 1))
        #expect(snapshot.table(named: "tokens")?.schema == "public")
        #expect(snapshot.table(named: "audit.tokens")?.schema == "audit")
        #expect(snapshot.table(named: "events")?.schema == "audit")
        #expect(snapshot.table(named: "tokens", schema: "audit")?.rows == 10)
        #expect(snapshot.table(named: "missing") == nil)
    }

    @Test func coverageByLeadingColumns() {
        let snapshot = CatalogFixtures.snapshot()
        let tokens = CatalogFixtures.tokens
        #expect(snapshot.index(leadingWith: ["id"], on: tokens)?.name == "tokens_pkey")
        // The primary key is preferred; then the smaller index.
        #expect(snapshot.index(leadingWith: ["status"], on: tokens)?.name == "tokens_status_idx")
        // Equality columns match in any order.
        #expect(snapshot.index(leadingWith: ["created_at", "status"], on: tokens)?.name == "tokens_status_created_idx")
        // created_at is not a leading column; customer_id has no index.
        #expect(snapshot.index(leadingWith: ["created_at"], on: tokens) == nil)
        #expect(snapshot.index(leadingWith: ["customer_id"], on: tokens) == nil)
        #expect(snapshot.index(ledBy: "status", on: tokens) != nil)
    }

    @Test func partialInvalidExpressionAndNonBTreeIndexesDoNotCover() {
        let indexes = [
            CatalogIndex(
                table: "tokens", name: "partial", columns: ["customer_id"], predicate: "(status = 'new'::text)"),
            CatalogIndex(table: "tokens", name: "invalid", columns: ["customer_id"], isValid: false),
            CatalogIndex(table: "tokens", name: "expression", columns: [nil, "customer_id"]),
            CatalogIndex(table: "tokens", name: "gin", columns: ["customer_id"], method: "gin"),
        ]
        let snapshot = CatalogFixtures.snapshot(indexes: indexes)
        #expect(snapshot.index(leadingWith: ["customer_id"], on: CatalogFixtures.tokens) == nil)
        #expect(CatalogName.quoted("token_hash") == "token_hash")
        #expect(CatalogName.quoted("Token") == "\"Token\"")
        #expect(CatalogName.quoted("user") == "\"user\"")
        #expect(CatalogName.display(schema: "audit", name: "events") == "audit.events")
    }
}
