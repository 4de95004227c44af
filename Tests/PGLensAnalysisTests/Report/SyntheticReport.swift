import Foundation

@testable import PGLensAnalysis

/// A hand-made report with findings of the kinds the audit and the CI gate treat apart: an N+1 with its
/// parent and lineage, a slow query, a missing index with a plan excerpt and a migration, an unused index
/// of the whole database, and a duplicate query; statements of two applications.
enum SyntheticReport {
    static let start = Date(timeIntervalSince1970: 1_767_268_800)  // 2026-01-01T12:00:00Z
    static let childQuery = "select id, name from customers where id = $1"
    static let parentQuery = "select id, customer_id from orders where shop_id = $1 order by id"
    static let childFingerprint = StatementFingerprint(0x00ab_cdef_0123_4567)
    static let parentFingerprint = StatementFingerprint(0x0011_2233_4455_6677)
    static let slowFingerprint = StatementFingerprint(0x0fed_cba9_8765_4321)

    static func statement(
        _ fingerprint: StatementFingerprint, _ query: String, application: String, user: String = "app",
        calls: UInt64, totalMilliseconds: Double
    ) -> StatementSummary {
        StatementSummary(
            fingerprint: fingerprint, query: query, database: "app", user: user, applicationName: application,
            calls: calls, rows: calls, errors: 0, totalMilliseconds: totalMilliseconds,
            meanMilliseconds: totalMilliseconds / Double(calls), minMilliseconds: 0.1, maxMilliseconds: 9.5,
            p50Milliseconds: 0.4, p95Milliseconds: 1.25, p99Milliseconds: 2.5, firstSeen: start,
            lastSeen: start.addingTimeInterval(60))
    }

    static var nPlusOne: Finding {
        Finding(
            id: "np1", kind: .nPlusOne, severity: .critical, fingerprint: childFingerprint.hex, query: childQuery,
            database: "app", applicationName: "shop", occurrences: 3, repetitions: 20, timeMilliseconds: 42.5,
            parent: Finding.Parent(fingerprint: parentFingerprint, query: parentQuery), table: "customers",
            columns: ["id"],
            suggestion:
                "Load all rows at once instead of one query per row of the parent: one query "
                + "`SELECT ... FROM customers WHERE id = ANY($1)` with the list of `customer_id` values of the "
                + "parent's rows, which saves 19 round trips per request.",
            evidence: [
                "parent_rows": .number(20), "bursts": .number(3), "largest_burst": .number(20),
                "median_burst": .number(20), "connections": .number(2), "round_trips_saved": .number(57),
                "framework": .string("sqlalchemy"), "route": .string("/orders"),
                "users": .array([.string("app")]),
                "lineage": .object([
                    "matched": .number(20), "checked": .number(20),
                    "summary": .string("20 of 20 `id` values were `customer_id` values returned by the query before"),
                ]),
            ],
            firstSeen: start.addingTimeInterval(5), lastSeen: start.addingTimeInterval(50))
    }

    static var slowQuery: Finding {
        Finding(
            id: "slow1", kind: .slowQuery, severity: .warning, fingerprint: slowFingerprint.hex,
            query: "select count(*) from events where kind = $1", database: "app", applicationName: "reports",
            occurrences: 4, timeMilliseconds: 480, table: "events",
            suggestion: "Run EXPLAIN (ANALYZE, BUFFERS) on it with typical values.",
            evidence: ["threshold_ms": .number(100), "worst_ms": .number(150.5), "p95_ms": .number(140)],
            firstSeen: start.addingTimeInterval(10), lastSeen: start.addingTimeInterval(20))
    }

    static var missingIndex: Finding {
        Finding(
            id: "mi1", kind: "missing_index", severity: .warning, fingerprint: slowFingerprint.hex,
            query: "select count(*) from events where kind = $1", database: "app", applicationName: "reports",
            occurrences: 4, timeMilliseconds: 480, table: "public.events", columns: ["kind"],
            suggestion:
                "CREATE INDEX CONCURRENTLY ON public.events (kind); — advice from the plan alone (HypoPG is not "
                + "installed): the plan reads all of events to keep about 12 rows. Migration: add_index :events, "
                + ":kind, algorithm: :concurrently (with disable_ddl_transaction!)",
            evidence: [
                "plan_excerpt": .string("Seq Scan on events\n  Filter: (kind = $1)"), "cost_before": .number(1234.5),
                "cost_after": .null,
            ],
            firstSeen: start.addingTimeInterval(30), lastSeen: start.addingTimeInterval(30))
    }

    static var unusedIndex: Finding {
        Finding(
            id: "ui1", kind: "unused_index", severity: .info, fingerprint: "", query: "", database: "app",
            applicationName: "", occurrences: 1, timeMilliseconds: 0, table: "public.events", columns: ["created_at"],
            suggestion: "DROP INDEX CONCURRENTLY public.events_created_at_idx; it was never scanned.",
            evidence: ["index": .string("events_created_at_idx"), "size_bytes": .number(2_097_152)],
            firstSeen: start.addingTimeInterval(30), lastSeen: start.addingTimeInterval(30))
    }

    static var duplicateQuery: Finding {
        Finding(
            id: "dup1", kind: .duplicateQuery, severity: .info, fingerprint: parentFingerprint.hex,
            query: parentQuery, database: "app", applicationName: "shop", occurrences: 1, repetitions: 2,
            timeMilliseconds: 1.5, suggestion: "Reuse the first result.",
            firstSeen: start.addingTimeInterval(5), lastSeen: start.addingTimeInterval(5))
    }

    static func make(findings: [Finding]? = nil) -> Report {
        Report(
            generatedAt: start.addingTimeInterval(125),
            window: Report.Window(startedAt: start, endedAt: start.addingTimeInterval(125)),
            instance: Report.Instance(id: "db-host:6432", version: "0.5.0-test"),
            statements: [
                statement(childFingerprint, childQuery, application: "shop", calls: 60, totalMilliseconds: 42.5),
                statement(parentFingerprint, parentQuery, application: "shop", calls: 3, totalMilliseconds: 3.5),
                statement(
                    slowFingerprint, "select count(*) from events where kind = $1", application: "reports", calls: 4,
                    totalMilliseconds: 480),
            ],
            findings: findings ?? [nPlusOne, slowQuery, missingIndex, unusedIndex, duplicateQuery],
            analysis: Report.Analysis(eventsReceived: 67, eventsDropped: 0, statementsEvicted: 0, slowExecutions: 4))
    }
}
