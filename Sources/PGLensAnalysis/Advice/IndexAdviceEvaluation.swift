/// The advisor's decisions for one candidate statement, without I/O: which statements take its plan, what
/// the plan asks for given the catalog, and whether HypoPG's answer proves it. The proxy's advisor runs
/// the statements and feeds the answers back.
public enum IndexAdviceEvaluation {
    /// The statements that get a plan with parameters left unknown (no value is needed, none is kept).
    public struct PlanRequest: Sendable, Equatable {
        /// Run first, in order (PREPARE on servers before 16).
        public var setup: [String]
        /// The EXPLAIN, answering one row of JSON.
        public var explain: String
        /// Run after, whatever happened (DEALLOCATE).
        public var cleanup: [String]
    }

    /// What to do after the first plan.
    public enum NextStep: Sendable, Equatable {
        /// Ask HypoPG: make `proposal.hypotheticalStatement`, plan again, compare with `costBefore`.
        case prove(IndexProposal, costBefore: Double)
        /// Done.
        case conclude(IndexAdviceVerdict)
    }

    /// Scans of tables with fewer rows than this are left alone: a sequential scan is the right plan there.
    public static let minimumTableRows: Int64 = 10000
    /// Without HypoPG, a proposal is made when the filter keeps at most this share of the table's rows.
    public static let planOnlySelectivity = 0.05
    /// HypoPG's cost must drop to at most this share of the cost before (Dexter's rule: by half).
    public static let provenCostRatio = 0.5

    /// The statements for `query`'s generic plan, or nil when it cannot be taken without values on this
    /// server (before PostgreSQL 12). `name` is the prepared statement's name on servers before 16.
    public static func planRequest(query: String, snapshot: CatalogSnapshot, name: String) -> PlanRequest? {
        if snapshot.supportsGenericPlanOption {
            return PlanRequest(setup: [], explain: "EXPLAIN (GENERIC_PLAN, VERBOSE, FORMAT JSON) \(query)", cleanup: [])
        }
        guard snapshot.supportsForcedGenericPlans else { return nil }
        let count = parameterCount(in: query)
        let arguments = count == 0 ? "" : "(" + Array(repeating: "NULL", count: count).joined(separator: ", ") + ")"
        return PlanRequest(
            setup: ["PREPARE \(name) AS \(query)"],
            explain: "EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE \(name)\(arguments)",
            cleanup: ["DEALLOCATE \(name)"])
    }

    /// The highest `$n` in `query`.
    public static func parameterCount(in query: String) -> Int {
        let lexer = SQLLexer(query)
        return lexer.compactMap { lexer.parameterNumber(of: $0) }.max() ?? 0
    }

    /// What the plan of a statement asks for, given the catalog.
    public static func firstStep(plan: PlanNode, snapshot: CatalogSnapshot) -> NextStep {
        var reasons: [String] = []
        for proposal in IndexProposal.proposals(from: plan) {
            guard let table = snapshot.table(named: proposal.table, schema: proposal.scan.schema) else {
                reasons.append("\(proposal.table) is not in the catalog snapshot")
                continue
            }
            guard table.rows >= minimumTableRows else {
                reasons.append("\(table.displayName) has about \(table.rows) rows: a sequential scan is fine")
                continue
            }
            if let existing = snapshot.index(leadingWith: proposal.leadingGroup, on: table) {
                return .conclude(
                    .existingIndexNotUsed(
                        index: existing.name, table: table.displayName, columns: existing.leadingColumns,
                        reason: whyUnused(existing, proposal: proposal, table: table)))
            }
            switch snapshot.hypotheticalIndexes {
            case .installed:
                return .prove(proposal, costBefore: plan.totalCost)
            case .availableNotInstalled, .unavailable:
                let share = proposal.scan.planRows / Double(max(table.rows, 1))
                guard share <= planOnlySelectivity else {
                    reasons.append(
                        "the filter on \(table.displayName) keeps about \(Int(proposal.scan.planRows)) of "
                            + "\(table.rows) rows: an index would not pay")
                    continue
                }
                let why =
                    snapshot.hypotheticalIndexes == .availableNotInstalled
                    ? "HypoPG is available on the server but not installed in this database (CREATE EXTENSION hypopg)"
                    : "HypoPG is not installed on the server"
                return .conclude(.propose(proposal, .planOnly(costBefore: plan.totalCost, why: why)))
            }
        }
        if reasons.isEmpty {
            let usesIndexes = !plan.indexNames.isEmpty
            reasons.append(
                usesIndexes
                    ? "the plan already uses \(plan.indexNames.sorted().joined(separator: ", "))"
                    : "the plan has no sequential scan with a filter")
        }
        return .conclude(.nothingToPropose(reasons.joined(separator: "; ")))
    }

    /// The verdict once the plan was taken again with HypoPG's index on `proposal`: proven when the plan
    /// uses a hypothetical index and its cost dropped to at most half.
    public static func verdict(
        proposal: IndexProposal, costBefore: Double, hypotheticalPlan: PlanNode, hypotheticalIndexName: String
    ) -> IndexAdviceVerdict {
        let costAfter = hypotheticalPlan.totalCost
        let usesIt = hypotheticalPlan.indexNames.contains(hypotheticalIndexName)
        guard usesIt, costBefore > 0, costAfter <= costBefore * provenCostRatio else {
            return .notWorthIt(proposal, costBefore: costBefore, costAfter: costAfter)
        }
        return .propose(proposal, .hypothetical(costBefore: costBefore, costAfter: costAfter))
    }

    /// Why the plan scans `table` although `index` leads with the filtered columns, as far as the filter
    /// tells.
    static func whyUnused(_ index: CatalogIndex, proposal: IndexProposal, table: CatalogTable) -> String {
        let leading = Set(index.leadingColumns.prefix(max(proposal.leadingGroup.count, 1)))
        for condition in proposal.conditions {
            guard let column = condition.column, leading.contains(column) else { continue }
            if condition.functionOnColumn {
                return "the filter applies a function to \(column) (\(condition.text)): an index on \(column) "
                    + "cannot serve it; an index on the same expression can"
            }
            if condition.castsColumn {
                return "the filter casts \(column) (\(condition.text)): the value's type differs from the "
                    + "column's, so \(index.name) cannot serve it; send the value with the column's type"
            }
            if condition.comparison == .leadingWildcardPattern {
                return "LIKE with a leading wildcard (\(condition.text)) cannot use a B-tree index; "
                    + "a trigram index (pg_trgm, GIN) can"
            }
        }
        return "the planner estimated a sequential scan cheaper (about \(Int(proposal.scan.planRows)) of "
            + "\(table.rows) rows match): the statistics may be stale (ANALYZE \(table.displayName)) or the "
            + "condition matches much of the table"
    }
}
