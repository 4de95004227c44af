import Foundation
import Testing

@testable import PGLensAnalysis

/// The advisor's decisions without I/O: the statements that take a generic plan, what a plan asks for
/// given the catalog, and HypoPG's proof.
@Suite struct IndexAdviceEvaluationTests {
    @Test func genericPlanStatementsByServerVersion() throws {
        let query = "select id from tokens where token_hash = $1 and created_at > $2"
        let old = try #require(
            IndexAdviceEvaluation.planRequest(query: query, snapshot: CatalogFixtures.snapshot(), name: "p"))
        #expect(old.setup == ["PREPARE p AS \(query)"])
        #expect(old.explain == "EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE p(NULL, NULL)")
        #expect(old.cleanup == ["DEALLOCATE p"])
        let new = try #require(
            IndexAdviceEvaluation.planRequest(
                query: query, snapshot: CatalogFixtures.snapshot(version: 160_001), name: "p"))
        #expect(new.setup.isEmpty)
        #expect(new.explain == "EXPLAIN (GENERIC_PLAN, VERBOSE, FORMAT JSON) \(query)")
        #expect(
            IndexAdviceEvaluation.planRequest(
                query: query, snapshot: CatalogFixtures.snapshot(version: 110_000), name: "p")
                == nil)
        let none = IndexAdviceEvaluation.planRequest(
            query: "select count(*) from tokens", snapshot: CatalogFixtures.snapshot(), name: "p")
        #expect(none?.explain == "EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE p")
    }

    @Test func withHypoPGTheProposalGoesToProof() throws {
        let plan = try PlanNode.parse(explainJSON: PlanFixtures.sequentialScanWithRangeAndSort)
        guard
            case .prove(let proposal, let costBefore) = IndexAdviceEvaluation.firstStep(
                plan: plan, snapshot: CatalogFixtures.snapshot())
        else {
            Issue.record("expected a proof step")
            return
        }
        #expect(proposal.columns == ["token_hash", "created_at"])
        #expect(costBefore == plan.totalCost)
    }

    @Test func hypoPGVerdictNeedsTheIndexUsedAndHalfTheCost() throws {
        let plan = try PlanNode.parse(explainJSON: PlanFixtures.sequentialScanWithRangeAndSort)
        let proposal = try #require(IndexProposal.proposals(from: plan).first)
        let cheap = PlanNode(
            nodeType: "Sort", totalCost: 8.08,
            children: [
                PlanNode(
                    nodeType: "Index Scan", relationName: "tokens", indexName: "<13556>btree_tokens_token_hash",
                    totalCost: 8.06)
            ])
        #expect(
            IndexAdviceEvaluation.verdict(
                proposal: proposal, costBefore: 5234.82, hypotheticalPlan: cheap,
                hypotheticalIndexName: "<13556>btree_tokens_token_hash")
                == .propose(proposal, .hypothetical(costBefore: 5234.82, costAfter: 8.08)))
        // Not the hypothetical index: no proof.
        #expect(
            IndexAdviceEvaluation.verdict(
                proposal: proposal, costBefore: 5234.82, hypotheticalPlan: cheap, hypotheticalIndexName: "<1>other")
                == .notWorthIt(proposal, costBefore: 5234.82, costAfter: 8.08))
        // Used, but the cost dropped by less than half.
        var modest = cheap
        modest.totalCost = 3000
        #expect(
            IndexAdviceEvaluation.verdict(
                proposal: proposal, costBefore: 5234.82, hypotheticalPlan: modest,
                hypotheticalIndexName: "<13556>btree_tokens_token_hash")
                == .notWorthIt(proposal, costBefore: 5234.82, costAfter: 3000))
    }

    @Test func withoutHypoPGASelectiveScanOfALargeTableIsProposedFromThePlan() throws {
        let plan = try PlanNode.parse(explainJSON: PlanFixtures.sequentialScanWithRangeAndSort)
        let step = IndexAdviceEvaluation.firstStep(
            plan: plan, snapshot: CatalogFixtures.snapshot(hypothetical: .unavailable))
        guard case .conclude(.propose(let proposal, .planOnly(_, let why))) = step else {
            Issue.record("expected a plan-only proposal, got \(step)")
            return
        }
        #expect(proposal.columns == ["token_hash", "created_at"])
        #expect(why.contains("HypoPG is not installed"))
    }

    @Test func anExistingIndexIsNeverProposedAgain() throws {
        let plan = try PlanNode.parse(explainJSON: PlanFixtures.sequentialScanUnderLimitAndSort)
        var indexes = CatalogFixtures.indexes
        indexes.append(
            CatalogIndex(table: "tokens", name: "tokens_customer_created", columns: ["customer_id", "created_at"]))
        let step = IndexAdviceEvaluation.firstStep(plan: plan, snapshot: CatalogFixtures.snapshot(indexes: indexes))
        guard case .conclude(.existingIndexNotUsed(let index, let table, let columns, let reason)) = step else {
            Issue.record("expected the existing index, got \(step)")
            return
        }
        #expect(index == "tokens_customer_created")
        #expect(table == "tokens")
        #expect(columns == ["customer_id", "created_at"])
        #expect(reason.contains("ANALYZE tokens"))
    }

    @Test func aCastOnAnIndexedColumnIsTheReasonGiven() {
        let scan = PlanNode(
            nodeType: "Seq Scan", relationName: "tokens", schema: "public", alias: "tokens",
            filter: "((tokens.id)::text = $1)", totalCost: 4000, planRows: 1000)
        let step = IndexAdviceEvaluation.firstStep(plan: scan, snapshot: CatalogFixtures.snapshot())
        guard case .conclude(.existingIndexNotUsed("tokens_pkey", _, _, let reason)) = step else {
            Issue.record("expected tokens_pkey, got \(step)")
            return
        }
        #expect(reason.contains("casts id"))
    }

    @Test func primaryKeyLookupsAndSmallTablesGetNothing() throws {
        let lookup = try PlanNode.parse(explainJSON: PlanFixtures.primaryKeyLookup)
        #expect(
            IndexAdviceEvaluation.firstStep(plan: lookup, snapshot: CatalogFixtures.snapshot())
                == .conclude(.nothingToPropose("the plan already uses customers_pkey")))
        let small = PlanNode(
            nodeType: "Seq Scan", relationName: "customers", schema: "public", alias: "customers",
            filter: "(customers.email = $1)", totalCost: 20, planRows: 1)
        guard
            case .conclude(.nothingToPropose(let reason)) = IndexAdviceEvaluation.firstStep(
                plan: small, snapshot: CatalogFixtures.snapshot())
        else {
            Issue.record("expected nothing")
            return
        }
        #expect(reason.contains("about 1000 rows"))
    }
}
