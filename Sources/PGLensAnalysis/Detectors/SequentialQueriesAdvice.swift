/// Turns an aggregate of `sequential_queries` into a finding with a concrete fix: the run combined into one
/// statement (one aggregate with FILTER when all of it reads one table, a SELECT of scalar subqueries when
/// every member returns one value), or run concurrently, with the time each way would save.
enum SequentialQueriesAdvice {
    static func finding(
        _ key: RoundTripPatternAggregates.Key, _ aggregate: RoundTripPatternAggregates.Aggregate
    ) -> Finding {
        let largest = aggregate.largest
        let members = largest.members
        let table = mainTable(of: largest.executions)
        let total = RoundTripAdvice.milliseconds(largest.nanoseconds)
        let longest = RoundTripAdvice.milliseconds(largest.longestNanoseconds)
        var suggestion =
            "\(largest.memberCount) independent read-only statements ran one after another in one unit of work "
            + "(\(total) in all, the longest \(longest); none used an earlier one's result)."
        var extra: [String: JSONValue] = [:]
        // The executions with other values than their member's are part of the combined statement too.
        var distinct: Set<[UInt64]> = []
        let statements = largest.executions.filter { statement in
            distinct.insert([statement.fingerprint.value, statement.parameterHash ?? 0]).inserted
        }
        if let combined = combinedStatement(statements) {
            suggestion += " \(combined.description) `\(combined.sql)`, one round trip instead of \(largest.statements)."
            extra["rewrite"] = .string(combined.sql)
        } else {
            suggestion +=
                " Where they return one value each, combine them into one SELECT of scalar subqueries, "
                + "`SELECT (SELECT ...) AS a, (SELECT ...) AS b`; rows of one shape can go in one UNION ALL."
        }
        suggestion +=
            " Or run them concurrently, which takes about the longest one and saves about "
            + "\(RoundTripAdvice.milliseconds(largest.savedNanoseconds)) per unit of work: with SQLAlchemy's "
            + "asyncio, `await asyncio.gather(...)` with one AsyncSession per query (a session runs one statement "
            + "at a time); with asyncpg, `asyncio.gather` of `pool.fetchval(...)` calls (one pool connection each); "
            + "with psycopg 3, send them in `with conn.pipeline():` (one round trip, no concurrency needed); with "
            + "Django, combine them in one `aggregate()` or one raw query."
        return RoundTripAdvice.finding(
            kind: .sequentialQueries, key: key, aggregate: aggregate, table: table, columns: [],
            suggestion: suggestion, extraEvidence: extra)
    }

    /// The run as one statement, and how it was combined; nil unless every member is an aggregate
    /// returning one row.
    static func combinedStatement(_ members: [UnitStatement]) -> (sql: String, description: String)? {
        let shapes = members.compactMap { AggregateStatementShape(normalizedText: $0.query) }
        guard shapes.count == members.count, !shapes.isEmpty else { return nil }
        if let rewrite = RepeatedAggregatesAdvice.rewrite(shapes) {
            return (rewrite.sql, "They all aggregate one table: compute them in one statement with FILTER,")
        }
        guard shapes.allSatisfy({ $0.targets.count == 1 }) else { return nil }
        var renumbering = RoundTripAdvice.PlaceholderRenumbering()
        var taken: Set<String> = []
        var items: [String] = []
        for (member, shape) in zip(members, shapes) {
            renumbering.startMember()
            let table = shape.table.map(RepeatedStatementAdvice.bareTableName) ?? "value"
            let alias = RoundTripAdvice.alias([shape.targets[0].function, table], taken: &taken)
            items.append("(\(renumbering.apply(member.query))) AS \(alias)")
        }
        return (
            "SELECT \(items.joined(separator: ", "))",
            "Each returns one value: combine them into one SELECT of scalar subqueries,"
        )
    }

    /// The table most executions read (the first of them on a tie).
    static func mainTable(of statements: [UnitStatement]) -> String? {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for statement in statements {
            guard let table = QueryShape(normalizedText: statement.query).table else { continue }
            if counts[table] == nil { order.append(table) }
            counts[table, default: 0] += 1
        }
        var best: String?
        for table in order where best.map({ (counts[table] ?? 0) > (counts[$0] ?? 0) }) ?? true { best = table }
        return best
    }
}
