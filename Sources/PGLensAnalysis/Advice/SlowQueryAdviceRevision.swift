/// A `slow_query` finding's suggestion once the advisor knows the database: from the statement's plan
/// when it was examined, else from its shape with the catalog's indexes in view, so that an index that
/// exists (a primary key, an index leading with the compared column) is never suggested again.
enum SlowQueryAdviceRevision {
    static func revised(_ finding: Finding, advice: DatabaseAdvice) -> Finding {
        var finding = finding
        if let fingerprint = StatementFingerprint(hex: finding.fingerprint),
            let examination = advice.examinations[fingerprint]
        {
            switch examination.verdict {
            case .propose(let proposal, _):
                finding.suggestion =
                    "The plan reads all of \(proposal.table) (\(proposal.scan.excerpt)): \(proposal.createStatement) "
                    + "(see the missing_index finding for the proof)."
                finding.evidence["index_advice"] = .string("missing_index")
                return finding
            case .existingIndexNotUsed(let index, let table, let columns, let reason):
                finding.suggestion =
                    "\(index) on \(table) (\(columns.joined(separator: ", "))) exists, and the plan does not use it: "
                    + "\(reason)."
                finding.evidence["existing_index"] = .string(index)
                return finding
            case .nothingToPropose(let reason):
                finding.suggestion =
                    "No index to add: \(reason). Its time is elsewhere: run EXPLAIN (ANALYZE, BUFFERS) with "
                    + "representative values and look at the rows it returns, buffers read, and waits "
                    + "(pg_stat_activity.wait_event, pg_locks) while it runs."
                finding.evidence["index_advice"] = .string("none needed")
                return finding
            case .notWorthIt(let proposal, let before, let after):
                finding.suggestion =
                    "An index on \(proposal.table) (\(proposal.columns.joined(separator: ", "))) would not pay: the "
                    + "planner's cost with a hypothetical one is \(PlanNode.rounded(after)) against "
                    + "\(PlanNode.rounded(before)). Look at the plan's other nodes and at waits."
                return finding
            case .failed:
                break
            }
        }
        guard let snapshot = advice.snapshot, let tableName = finding.table,
            let table = snapshot.table(named: tableName)
        else { return finding }
        for column in finding.columns {
            guard let index = snapshot.index(ledBy: column, on: table) else { continue }
            finding.suggestion =
                "\(index.name) on \(table.displayName) (\(index.leadingColumns.joined(separator: ", "))) already "
                + "serves the filter on \(column): no index to add. Run EXPLAIN (ANALYZE, BUFFERS) with "
                + "representative values to see where the time goes (rows returned, buffers read), and look at "
                + "waits (pg_stat_activity.wait_event, pg_locks) while it runs."
            finding.evidence["existing_index"] = .string(index.name)
            return finding
        }
        return finding
    }
}
