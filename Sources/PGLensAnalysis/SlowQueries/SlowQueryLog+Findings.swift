extension SlowQueryLog {
    /// A slow statement is `critical` when its 95th percentile reaches this many milliseconds.
    static let criticalP95Milliseconds = 1000.0

    /// One `slow_query` finding per slow (fingerprint, database, application), by time spent (largest
    /// first). Parameter values of the slowest execution appear in the evidence only when
    /// `captureParameters` is true.
    public func findings(captureParameters: Bool) -> [Finding] {
        var findings: [Finding] = []
        aggregates.forEach { key, aggregate in
            findings.append(Self.finding(key, aggregate, captureParameters: captureParameters))
        }
        return findings.sorted { ($0.timeMilliseconds, $1.id) > ($1.timeMilliseconds, $0.id) }
    }

    private static func finding(_ key: AggregateKey, _ aggregate: Aggregate, captureParameters: Bool) -> Finding {
        let latency = aggregate.latency
        let p95 = latency.milliseconds(atPercentile: 95)
        let shape = QueryShape(normalizedText: aggregate.query)
        var evidence: [String: JSONValue] = [
            "threshold_ms": .number(aggregate.thresholdMilliseconds),
            "worst_ms": .number(latency.maximumMilliseconds),
            "p95_ms": .number(p95),
            "mean_ms": .number(latency.meanMilliseconds),
        ]
        if captureParameters, let parameters = aggregate.worstParameters {
            evidence["worst_parameters"] = Finding.evidence(parameters: parameters)
        }
        return Finding(
            id: Finding.stableID(
                kind: .slowQuery, fingerprint: key.fingerprint, database: key.database,
                applicationName: key.applicationName),
            kind: .slowQuery, severity: severity(for: shape, p95: p95),
            fingerprint: key.fingerprint.hex, query: aggregate.query, database: key.database,
            applicationName: key.applicationName, occurrences: Int(latency.count), repetitions: nil,
            timeMilliseconds: latency.totalMilliseconds, parent: nil, table: shape.table,
            columns: shape.filterColumns, suggestion: suggestion(for: shape, p95: p95), evidence: evidence,
            firstSeen: aggregate.firstSeen, lastSeen: aggregate.lastSeen)
    }

    /// `critical` from a p95 of one second, `warning` below; utility commands (COPY, DDL, maintenance) are
    /// `info`: their time is the work they were asked to do, not a plan gone wrong.
    static func severity(for shape: QueryShape, p95: Double) -> FindingSeverity {
        guard shape.isPlannable else { return .info }
        return p95 >= criticalP95Milliseconds ? .critical : .warning
    }

    /// What to look at: the plan, and an index on the compared columns when they are known; for utility
    /// commands, what makes such a command slow and how to keep it away from the application's traffic.
    static func suggestion(for shape: QueryShape, p95: Double) -> String {
        guard shape.isPlannable else { return utilitySuggestion(command: shape.command ?? "", p95: p95) }
        let explain =
            "Run EXPLAIN (ANALYZE, BUFFERS) on this query with representative parameter values "
            + "(p95 \(formatted(p95)) ms)"
        guard let table = shape.table, !shape.filterColumns.isEmpty else {
            return explain + " and look at the slowest plan nodes, rows removed by filters and buffers read."
        }
        let columns = shape.filterColumns.joined(separator: ", ")
        return explain + "; if it scans \(table) sequentially or filters many rows on \(columns), "
            + "an index may help: CREATE INDEX CONCURRENTLY ON \(table) (\(columns));"
    }

    private static func utilitySuggestion(command: String, p95: Double) -> String {
        let took = "(p95 \(formatted(p95)) ms)"
        switch command {
        case "copy":
            return "COPY is a bulk transfer \(took): its time grows with the rows moved. Keep it out of request "
                + "paths (run it in a background job) and load into tables without extra indexes or triggers."
        case "vacuum", "analyze", "reindex", "cluster", "refresh":
            return "A maintenance command \(took) run by the application: leave VACUUM and ANALYZE to autovacuum "
                + "(tune its thresholds per table) and schedule the rest off-peak; REINDEX and REFRESH MATERIALIZED "
                + "VIEW have CONCURRENTLY forms that do not block readers."
        case "create", "alter", "drop", "truncate", "comment", "grant", "revoke":
            return "Schema change \(took): DDL takes strong locks that queue every other statement on the table. "
                + "Run migrations off-peak with SET lock_timeout, and build indexes with CREATE INDEX CONCURRENTLY."
        case "commit", "end", "prepare":
            return "Slow COMMIT \(took): commits wait for the WAL to reach disk (and synchronous standbys). "
                + "Check the disk's fsync latency, synchronous_commit and synchronous_standby_names, and make "
                + "fewer, larger transactions where many small ones commit in a row."
        default:
            return "\(command.isEmpty ? "This command" : command.uppercased()) is not a plannable query \(took); "
                + "look at what it waits for in pg_stat_activity (wait_event) and pg_locks while it runs."
        }
    }

    private static func formatted(_ milliseconds: Double) -> String {
        let rounded = (milliseconds * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
