/// Finds `sequential_queries` in closed units of work: a long run of different read-only statements sent one
/// after another where none looks like it needed an earlier one's result (the audit's `get_live_kpis()`: 9+
/// counts and averages awaited one by one), which could be one statement or run concurrently.
///
/// A run is cut by a write, an error or a loop (a fingerprint run ``loopExecutions`` times or more: an N+1,
/// whose statements depend on rows), and is no finding when most of its members ran again after other
/// statements (the body of a short loop over rows). Transaction control,
/// `SET`, `SHOW` and SELECTs without FROM (`select 1` pings) neither count nor cut. A statement repeated at
/// once, or with the same values, counts once. A statement that may have used an earlier result starts a new
/// run: it has placeholders, values seen in none of the run's statements, and the run holds a statement whose
/// rows could have given it a key (one that returned rows and is no count, sum or average). So a request's
/// chain of lookups (session → user → settings, each keyed by the one before) is no run, while KPIs (whose
/// results are numbers nobody passes on) and queries all filtered by the same value (a tenant id) are.
struct SequentialQueriesAnalysis {
    /// The fewest members of a run that make a finding: 8. A normal request does 4-6 different lookups (user,
    /// session, permissions, settings, the page's rows) and the audit's dashboard 9-10 (11 statements with the
    /// helpers' second queries); 8 keeps a margin on both sides.
    static let minimumMembers = 8
    /// When every member is an aggregate (a KPI: a count, sum or average, whose result no later statement
    /// takes as a key), a run of 6 is enough: a page's 6 badges counted one by one.
    static let minimumAggregateMembers = 6
    /// A fingerprint run this many times in one unit is a loop (the `n_plus_one` threshold).
    static let loopExecutions = 5
    static let maximumClassesCached = 4096

    /// What a statement is to a run.
    enum Role: Equatable {
        /// Transaction control, settings, pings: skipped.
        case neutral
        /// A write or a statement that cannot be read as a query: ends the run.
        case breaker
        /// A read; `yieldsKeys` when its rows could give a later statement its values.
        case read(isAggregate: Bool, yieldsKeys: Bool)
    }

    private struct Run {
        var members: [UnitStatement] = []
        var executions: [UnitStatement] = []
        var fingerprints: Set<StatementFingerprint> = []
        /// Members that ran again after other statements: when most did, the run is a loop's body.
        var repeatedMembers: Set<StatementFingerprint> = []
        var valueHashes: Set<UInt64> = []
        var aggregates = 0
        var providesKeys = false
    }

    private var aggregates = RoundTripPatternAggregates()
    private var roles: [StatementFingerprint: Role] = [:]

    /// Counts the runs of a closed unit.
    mutating func record(_ unit: UnitOfWork) {
        let statements = unit.statements
        let looped = Self.loopedFingerprints(statements)
        var run = Run()
        for statement in statements {
            let kind = role(of: statement)
            guard !statement.isError, !looped.contains(statement.fingerprint) else {
                flush(&run, unit)
                continue
            }
            switch kind {
            case .neutral:
                continue
            case .breaker:
                flush(&run, unit)
            case .read(let isAggregate, let yieldsKeys):
                if run.fingerprints.contains(statement.fingerprint) {
                    if run.executions.last?.fingerprint != statement.fingerprint {
                        run.repeatedMembers.insert(statement.fingerprint)
                    }
                    run.executions.append(statement)
                    if let hash = statement.parameterHash { run.valueHashes.insert(hash) }
                    continue
                }
                if Self.mayDepend(statement, on: run) { flush(&run, unit) }
                run.members.append(statement)
                run.executions.append(statement)
                run.fingerprints.insert(statement.fingerprint)
                if let hash = statement.parameterHash { run.valueHashes.insert(hash) }
                if isAggregate { run.aggregates += 1 }
                if yieldsKeys, statement.rows > 0 { run.providesKeys = true }
            }
        }
        flush(&run, unit)
    }

    /// One finding per pattern (member fingerprints, database, application), most time first.
    func findings() -> [Finding] {
        aggregates.aggregates.map { key, aggregate in SequentialQueriesAdvice.finding(key, aggregate) }
            .sorted { ($0.timeMilliseconds, $1.id) > ($1.timeMilliseconds, $0.id) }
    }

    /// Forgets every pattern seen.
    mutating func reset() {
        aggregates.removeAll()
        roles.removeAll()
    }

    /// Whether `statement` may have taken its values from a result of the run so far.
    private static func mayDepend(_ statement: UnitStatement, on run: Run) -> Bool {
        guard run.providesKeys, !run.members.isEmpty else { return false }
        guard statement.query.contains("$") else { return false }
        if let hash = statement.parameterHash, run.valueHashes.contains(hash) { return false }
        return true
    }

    private mutating func flush(_ run: inout Run, _ unit: UnitOfWork) {
        defer { run = Run() }
        let members = run.members.count
        let allAggregates = run.aggregates == members
        guard members >= Self.minimumMembers || (allAggregates && members >= Self.minimumAggregateMembers),
            run.repeatedMembers.count * 2 <= members
        else { return }
        // Run at once, the run takes about its longest statement.
        let pattern = RoundTripPattern(members: run.members, executions: run.executions) { total, longest in
            total &- longest
        }
        aggregates.record(pattern, of: unit)
    }

    /// Fingerprints run ``loopExecutions`` times or more in the unit: loops over rows.
    private static func loopedFingerprints(_ statements: [UnitStatement]) -> Set<StatementFingerprint> {
        var counts: [StatementFingerprint: Int] = [:]
        for statement in statements { counts[statement.fingerprint, default: 0] += 1 }
        return Set(counts.filter { $0.value >= loopExecutions }.keys)
    }

    private mutating func role(of statement: UnitStatement) -> Role {
        if let known = roles[statement.fingerprint] { return known }
        if roles.count >= Self.maximumClassesCached { roles.removeAll(keepingCapacity: true) }
        let role = Self.role(ofQuery: statement.query)
        roles[statement.fingerprint] = role
        return role
    }

    /// The role of a normalized statement.
    static func role(ofQuery query: String) -> Role {
        let lexer = SQLLexer(query)
        let tokens = Array(lexer).filter { !$0.isComment }
        guard let first = tokens.first else { return .neutral }
        let control: [StaticString] = ["begin", "start", "savepoint", "release", "set", "show", "commit", "end"]
        if control.contains(where: { lexer.isKeyword(first, $0) }) { return .neutral }
        guard StatementShape(normalizedText: query).isReadOnly else { return .breaker }
        guard tokens.contains(where: { lexer.isKeyword($0, "from") }) else { return .neutral }
        let kind = AggregateStatementShape.aggregateKind(normalizedText: query)
        return .read(isAggregate: kind.selectsAggregate, yieldsKeys: kind.yieldsKeys)
    }
}
