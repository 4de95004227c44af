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
            kind: .slowQuery, severity: p95 >= criticalP95Milliseconds ? .critical : .warning,
            fingerprint: key.fingerprint.hex, query: aggregate.query, database: key.database,
            applicationName: key.applicationName, occurrences: Int(latency.count), repetitions: nil,
            timeMilliseconds: latency.totalMilliseconds, parent: nil, table: shape.table,
            columns: shape.filterColumns, suggestion: suggestion(for: shape, p95: p95), evidence: evidence,
            firstSeen: aggregate.firstSeen, lastSeen: aggregate.lastSeen)
    }

    /// What to look at: the plan, and an index on the compared columns when they are known.
    static func suggestion(for shape: QueryShape, p95: Double) -> String {
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

    private static func formatted(_ milliseconds: Double) -> String {
        let rounded = (milliseconds * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
