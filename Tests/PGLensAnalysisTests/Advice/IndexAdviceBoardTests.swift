import Foundation
import Testing

@testable import PGLensAnalysis

/// Candidate selection from measured statements, missing_index findings, and the slow-query advice once
/// the catalog is known.
@Suite struct IndexAdviceBoardTests {
    private static func summary(
        _ query: String, calls: UInt64, mean: Double, database: String = "app", fingerprint: UInt64
    ) -> StatementSummary {
        StatementSummary(
            fingerprint: StatementFingerprint(fingerprint), query: query, database: database, user: "app",
            applicationName: "shop", calls: calls, rows: calls, errors: 0, totalMilliseconds: Double(calls) * mean,
            meanMilliseconds: mean, minMilliseconds: mean, maxMilliseconds: mean, p50Milliseconds: mean,
            p95Milliseconds: mean, p99Milliseconds: mean, firstSeen: Date(timeIntervalSince1970: 0),
            lastSeen: Date(timeIntervalSince1970: 10))
    }

    private static func finding(
        _ kind: FindingKind, fingerprint: UInt64, table: String? = nil, columns: [String] = []
    )
        -> Finding
    {
        Finding(
            id: "x", kind: kind, severity: .warning, fingerprint: StatementFingerprint(fingerprint).hex, query: "q",
            database: "app", applicationName: "shop", occurrences: 1, timeMilliseconds: 1, table: table,
            columns: columns, suggestion: "an index may help: CREATE INDEX CONCURRENTLY ON t (c);",
            firstSeen: Date(timeIntervalSince1970: 0), lastSeen: Date(timeIntervalSince1970: 0))
    }

    @Test func candidatesByTimeSlowNPlusOneAndFrequentLookups() {
        var selection = IndexAdviceCandidateSelection()
        selection.topByTotalTime = 1
        let statements = [
            Self.summary("select * from tokens where token_hash = $1", calls: 100, mean: 30, fingerprint: 1),
            Self.summary("select * from big where id = $1", calls: 1, mean: 5000, fingerprint: 2),
            Self.summary("select * from customers where id = $1", calls: 20, mean: 0.1, fingerprint: 3),
            Self.summary("select * from orders where customer_id = $1", calls: 3, mean: 1, fingerprint: 4),
            Self.summary("copy tokens from stdin", calls: 100, mean: 900, fingerprint: 5),
            Self.summary("select 1; drop table tokens", calls: 100, mean: 900, fingerprint: 6),
            Self.summary(
                "select * from tokens where token_hash = $1", calls: 100, mean: 30, database: "other", fingerprint: 1),
        ]
        let findings = [Self.finding(.nPlusOne, fingerprint: 4), Self.finding(.slowQuery, fingerprint: 2)]
        let candidates = selection.candidates(statements: statements, findings: findings)
        let picked = candidates.filter { $0.database == "app" }.map { ($0.fingerprint.value, $0.reasons) }
        // By total time: 5000 ms, 3000 ms, 3 ms; the PK lookup (2 ms in all, 0.1 ms each) is none of them.
        #expect(picked.map(\.0) == [2, 1, 4])
        #expect(picked.map(\.1) == [[.slow, .topTotalTime], [.frequentLookup], [.nPlusOne]])
        #expect(candidates.filter { $0.database == "other" }.map(\.fingerprint.value) == [1])
    }

    @Test func aProvenProposalIsAMissingIndexFindingWithCosts() throws {
        let plan = try PlanNode.parse(explainJSON: PlanFixtures.sequentialScanWithRangeAndSort)
        let proposal = try #require(IndexProposal.proposals(from: plan).first)
        let candidate = IndexAdviceCandidate(
            fingerprint: StatementFingerprint(1), query: "select id from tokens where token_hash = $1",
            database: "app", user: "app", applicationName: "django-shop", calls: 100, totalMilliseconds: 3000,
            meanMilliseconds: 30, reasons: [.frequentLookup], firstSeen: Date(timeIntervalSince1970: 0),
            lastSeen: Date(timeIntervalSince1970: 5))
        let board = IndexAdviceBoard()
        board.update(database: "app", serverDatabase: "app") { advice in
            advice.snapshot = CatalogFixtures.snapshot()
            advice.record(
                .init(
                    candidate: candidate,
                    verdict: .propose(proposal, .hypothetical(costBefore: 5234.82, costAfter: 8.08)),
                    examinedAt: Date()))
        }
        let finding = try #require(board.findings(captureParameters: false).first { $0.kind == .missingIndex })
        #expect(finding.columns == ["token_hash", "created_at"])
        #expect(finding.table == "tokens")
        #expect(finding.evidence["cost_before"] == .number(5234.82))
        #expect(finding.evidence["cost_after"] == .number(8.08))
        #expect(finding.evidence["verification"] == .string("verified by the planner with a hypothetical index"))
        #expect(finding.suggestion.hasPrefix("CREATE INDEX CONCURRENTLY ON tokens (token_hash, created_at);"))
        #expect(finding.suggestion.contains("models.Index(fields=[\"token_hash\", \"created_at\"]"))
        #expect(finding.fingerprint == StatementFingerprint(1).hex)
    }

    @Test func slowQueryAdviceNoLongerSuggestsAnIndexThatLeadsAlready() {
        let board = IndexAdviceBoard()
        let slow = Self.finding(.slowQuery, fingerprint: 9, table: "tokens", columns: ["id"])
        // No catalog yet: unchanged.
        #expect(board.revised([slow]) == [slow])
        board.update(database: "app", serverDatabase: "app") { $0.snapshot = CatalogFixtures.snapshot() }
        let revised = board.revised([slow])[0]
        #expect(!revised.suggestion.contains("CREATE INDEX"))
        #expect(revised.suggestion.hasPrefix("tokens_pkey on tokens (id) already serves the filter on id"))
        #expect(revised.evidence["existing_index"] == .string("tokens_pkey"))
        // A column no index leads with keeps the shape's advice.
        let unindexed = Self.finding(.slowQuery, fingerprint: 10, table: "tokens", columns: ["token_hash"])
        #expect(board.revised([unindexed]) == [unindexed])
    }

    @Test func slowQueryAdviceFollowsThePlanVerdict() {
        let board = IndexAdviceBoard()
        let candidate = IndexAdviceCandidate(
            fingerprint: StatementFingerprint(9), query: "q", database: "app", user: "app", applicationName: "shop",
            calls: 1, totalMilliseconds: 1, meanMilliseconds: 1, reasons: [.slow], firstSeen: Date(), lastSeen: Date())
        board.update(database: "app", serverDatabase: "app") { advice in
            advice.snapshot = CatalogFixtures.snapshot()
            advice.record(
                .init(
                    candidate: candidate, verdict: .nothingToPropose("the plan already uses tokens_pkey"),
                    examinedAt: Date()))
        }
        let revised = board.revised([Self.finding(.slowQuery, fingerprint: 9, table: "tokens", columns: ["token_hash"])]
        )[0]
        #expect(revised.suggestion.hasPrefix("No index to add: the plan already uses tokens_pkey."))
    }
}
