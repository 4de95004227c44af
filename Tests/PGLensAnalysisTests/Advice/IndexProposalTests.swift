import Foundation
import Testing

@testable import PGLensAnalysis

/// Index proposals from real plans (JSON fixtures) and the filter conditions they are read from.
@Suite struct IndexProposalTests {
    @Test func equalityFirstThenRangeThenOrderBy() throws {
        let plan = try PlanNode.parse(explainJSON: PlanFixtures.sequentialScanWithRangeAndSort)
        let proposals = IndexProposal.proposals(from: plan)
        try #require(proposals.count == 1)
        let proposal = proposals[0]
        #expect(proposal.table == "tokens")
        #expect(proposal.schema == "public")
        #expect(proposal.equalityColumns == ["token_hash"])
        #expect(proposal.rangeColumns == ["created_at"])
        // ORDER BY created_at is the range column: the index returns rows in that order.
        #expect(proposal.columns == ["token_hash", "created_at"])
        #expect(proposal.createStatement == "CREATE INDEX CONCURRENTLY ON tokens (token_hash, created_at);")
        #expect(proposal.hypotheticalStatement == "CREATE INDEX ON public.tokens (token_hash, created_at)")
        #expect(plan.totalCost > 5000)
    }

    @Test func orderByThroughLimitGatherMergeAndSort() throws {
        let plan = try PlanNode.parse(explainJSON: PlanFixtures.sequentialScanUnderLimitAndSort)
        let proposal = try #require(IndexProposal.proposals(from: plan).first)
        #expect(proposal.columns == ["customer_id", "created_at"])
        #expect(proposal.orderColumns == ["created_at"])
        #expect(
            proposal.scan.excerpt == "Seq Scan on tokens (cost 3940.59, rows 118) Filter: (tokens.customer_id = $1)")
    }

    @Test func anIndexScanProposesNothing() throws {
        let plan = try PlanNode.parse(explainJSON: PlanFixtures.primaryKeyLookup)
        #expect(IndexProposal.proposals(from: plan).isEmpty)
        #expect(plan.indexNames == ["customers_pkey"])
    }

    @Test func unreadablePlansThrow() {
        #expect(throws: PlanNode.UnreadablePlan.self) { try PlanNode.parse(explainJSON: "not json") }
        #expect(throws: PlanNode.UnreadablePlan.self) { try PlanNode.parse(explainJSON: "[{}]") }
    }

    @Test func conditionsOfFilters() {
        let conditions = FilterCondition.conditions(
            in: "(((t.status)::text = $1) AND (lower(t.email) = $2) AND (t.created_at >= (now() - '1 day'::interval)) "
                + "AND (t.id = ANY ($3)) AND (t.name ~~ '%x'::text) AND (t.deleted_at IS NULL))")
        #expect(conditions.map(\.column) == ["status", "email", "created_at", "id", "name", "deleted_at"])
        #expect(
            conditions.map(\.comparison) == [.equality, .equality, .range, .equality, .leadingWildcardPattern, .other])
        #expect(conditions[0].castsColumn)
        #expect(!conditions[0].functionOnColumn)
        #expect(conditions[1].functionOnColumn)
        #expect(!conditions[2].castsColumn)
    }

    @Test func anOrGivesNoConditionsAndAColumnToColumnComparisonIsNotALookup() {
        #expect(FilterCondition.conditions(in: "((a = $1) OR (b = $2))").isEmpty)
        let join = FilterCondition.conditions(in: "(t.customer_id = c.id)")
        #expect(join.map(\.comparison) == [.other])
        let swapped = FilterCondition.conditions(in: "($1 < \"Created\")")
        #expect(swapped.map(\.column) == ["Created"])
        #expect(swapped.map(\.comparison) == [.range])
    }

    @Test func aFunctionOnTheColumnIsNotProposedAsAPlainColumn() throws {
        let scan = PlanNode(
            nodeType: "Seq Scan", relationName: "users", schema: "public", alias: "users",
            filter: "(lower(users.email) = $1)", totalCost: 900, planRows: 1)
        #expect(IndexProposal.proposals(from: PlanNode(nodeType: "Result", children: [scan])).isEmpty)
    }
}
