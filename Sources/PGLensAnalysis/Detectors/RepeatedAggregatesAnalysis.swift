/// Finds `repeated_aggregates` in closed units of work: several aggregate SELECTs of one FROM clause with the
/// same select list (`count(*)`), differing only in their WHERE, each a statement, a round trip and usually a
/// scan of its own, where one statement with `FILTER (WHERE ...)` per aggregate would do (the seed audit's
/// `Lead.query.count()`, `filter_by(data_confirmed=True).count()`, `filter(Lead.lead_score >= 70).count()`).
///
/// Statements are grouped per unit by (FROM clause, select list without aliases); a member is one distinct
/// statement, a fingerprint with its parameter values (so `status = $1` for 'WAITING' and for 'ACTIVE' are two
/// members). Findings are summed across units per (member fingerprints, database, application).
struct RepeatedAggregatesAnalysis {
    /// The fewest distinct aggregate statements of one group in one unit that make a finding: 3. The audits'
    /// cases have 3 (the lead dashboard's total / confirmed / high-quality counts) and 4 (the live-chat KPIs'
    /// counts by status, start time and mode on one table); two aggregates of one table are often legitimately
    /// apart (a page's total next to a filtered count, run in different branches or with different needs for
    /// freshness) and combining them saves only one round trip.
    static let minimumStatements = 3
    /// A fingerprint run this many times in one unit is a loop over rows (an `n_plus_one`, whose fix is a
    /// GROUP BY, not a FILTER per value): its executions are left out.
    static let loopExecutions = 5
    /// Shapes kept per fingerprint, so a statement is lexed once, not in every unit.
    static let maximumShapesCached = 4096

    /// A member's identity: its fingerprint and its parameter values (unknown values: each execution apart).
    private struct Member: Hashable {
        var fingerprint: StatementFingerprint
        var values: UInt64?
        var position: Int?
    }

    private struct Group {
        var members: [UnitStatement] = []
        var executions: [UnitStatement] = []
        var seen: Set<Member> = []
    }

    private struct GroupKey: Hashable {
        var source: String
        var targetShape: String
    }

    private var aggregates = RoundTripPatternAggregates()
    private var shapes: [StatementFingerprint: AggregateStatementShape?] = [:]

    /// Counts the groups of aggregates of a closed unit.
    mutating func record(_ unit: UnitOfWork) {
        var executions: [StatementFingerprint: Int] = [:]
        for statement in unit.statements { executions[statement.fingerprint, default: 0] += 1 }
        var groups: [GroupKey: Group] = [:]
        var order: [GroupKey] = []
        for (position, statement) in unit.statements.enumerated() where !statement.isError {
            guard executions[statement.fingerprint, default: 0] < Self.loopExecutions,
                let shape = shape(of: statement)
            else { continue }
            let key = GroupKey(source: shape.source, targetShape: shape.targetShape)
            let member = Member(
                fingerprint: statement.fingerprint, values: statement.parameterHash,
                position: statement.parameterHash == nil ? position : nil)
            if groups[key] == nil { order.append(key) }
            var group = groups[key] ?? Group()
            group.executions.append(statement)
            if group.seen.insert(member).inserted { group.members.append(statement) }
            groups[key] = group
        }
        for key in order {
            guard let group = groups[key], group.members.count >= Self.minimumStatements else { continue }
            // One statement computing all of them costs about one scan, the longest of the separate ones.
            let pattern = RoundTripPattern(members: group.members, executions: group.executions) { total, longest in
                total &- longest
            }
            aggregates.record(pattern, of: unit)
        }
    }

    /// One finding per pattern (member fingerprints, database, application), most time first.
    func findings() -> [Finding] {
        aggregates.aggregates.map { key, aggregate in RepeatedAggregatesAdvice.finding(key, aggregate) }
            .sorted { ($0.timeMilliseconds, $1.id) > ($1.timeMilliseconds, $0.id) }
    }

    /// Forgets every pattern seen.
    mutating func reset() {
        aggregates.removeAll()
        shapes.removeAll()
    }

    private mutating func shape(of statement: UnitStatement) -> AggregateStatementShape? {
        if let known = shapes[statement.fingerprint] { return known }
        if shapes.count >= Self.maximumShapesCached { shapes.removeAll(keepingCapacity: true) }
        let shape = AggregateStatementShape(normalizedText: statement.query)
        shapes[statement.fingerprint] = .some(shape)
        return shape
    }
}
