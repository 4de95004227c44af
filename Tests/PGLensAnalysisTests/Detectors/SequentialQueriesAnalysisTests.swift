import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct SequentialQueriesAnalysisTests {
    /// The seed audit's `get_live_kpis()`: 9+ independent KPI queries awaited one by one (literal SQL, so
    /// every statement's value hash is its own).
    private static let liveKPIs = [
        "SELECT count(*) AS count_1 FROM chat_sessions WHERE chat_sessions.status = 'WAITING'",
        "SELECT count(*) AS count_1 FROM chat_sessions WHERE chat_sessions.status = 'ACTIVE'",
        "SELECT avg(EXTRACT(epoch FROM chat_sessions.claimed_at - chat_sessions.started_at)) AS avg_1 "
            + "FROM chat_sessions WHERE chat_sessions.claimed_at > '2025-06-01T09:00:00'",
        "SELECT avg(EXTRACT(epoch FROM chat_sessions.closed_at - chat_sessions.claimed_at)) AS avg_1 "
            + "FROM chat_sessions WHERE chat_sessions.closed_at > '2025-06-01T00:00:00'",
        "SELECT avg(csat_responses.score) AS avg_1 FROM csat_responses "
            + "WHERE csat_responses.created_at > '2025-05-31T10:00:00'",
        "SELECT count(*) AS count_1 FROM chat_sessions WHERE chat_sessions.closed_at > '2025-06-01T00:00:00' "
            + "AND chat_sessions.transfer_count = 0",
        "SELECT count(*) AS count_1 FROM chat_sessions WHERE chat_sessions.closed_at > '2025-06-01T00:00:00'",
        "SELECT count(*) AS count_1 FROM chat_sessions WHERE chat_sessions.status = 'ABANDONED' "
            + "AND chat_sessions.started_at > '2025-06-01T00:00:00'",
        "SELECT count(*) AS count_1 FROM sla_events WHERE sla_events.breached_at > '2025-06-01T00:00:00'",
        "SELECT count(*) AS count_1 FROM chat_sessions WHERE chat_sessions.started_at > '2025-06-01T00:00:00'",
        "SELECT count(*) AS count_1 FROM chat_sessions WHERE chat_sessions.chat_mode = 'HUMAN'",
    ]

    private static func findings(_ units: [SyntheticUnit]) -> [Finding] {
        var analysis = SequentialQueriesAnalysis()
        for unit in units { if let unit = unit.unit { analysis.record(unit) } }
        return analysis.findings()
    }

    private static func kpiUnit(connection: UInt64 = 1) -> SyntheticUnit {
        var unit = SyntheticUnit(connection: connection)
        unit.literal("BEGIN", rows: 0, ms: 0.1)
        for (index, query) in liveKPIs.enumerated() { unit.literal(query, ms: index == 2 ? 12 : 3) }
        unit.literal("COMMIT", rows: 0, ms: 0.1)
        return unit
    }

    @Test func theSeedsKPIQueriesAreSequentialWithTheTimeConcurrencySaves() throws {
        let findings = Self.findings([Self.kpiUnit()])
        try #require(findings.count == 1)
        let finding = findings[0]
        #expect(finding.kind == .sequentialQueries)
        // The two counts by status are one statement with other values: one member.
        #expect(finding.repetitions == 10)
        #expect(finding.evidence["statements"] == .number(11))
        #expect(finding.evidence["total_ms"] == .number(42))
        #expect(finding.evidence["longest_ms"] == .number(12))
        #expect(finding.evidence["time_saved_ms"] == .number(30))
        #expect(finding.evidence["round_trips_saved"] == .number(10))
        #expect(finding.query == StatementNormalizer().normalize(Self.liveKPIs[0]).text)
        #expect(finding.table == "chat_sessions")
        #expect(finding.severity == .warning)
        #expect(finding.suggestion.contains("asyncio.gather"))
        #expect(finding.suggestion.contains("30 ms"))
        if case .array(let queries) = finding.evidence["queries"] {
            #expect(queries.count == 10)
        } else {
            Issue.record("no queries in the evidence")
        }
        // Every member returns one value: one SELECT of scalar subqueries.
        let rewrite = try #require(finding.evidence["rewrite"])
        guard case .string(let sql) = rewrite else { throw RewriteMissing() }
        #expect(
            sql.hasPrefix(
                "SELECT (select count(*) as count_1 from chat_sessions where chat_sessions.status = $1) "
                    + "AS count_chat_sessions, "
            ))
        #expect(
            sql.contains(
                "(select avg(csat_responses.score) as avg_1 from csat_responses where csat_responses.created_at > $"))
    }

    @Test func aRequestWithFiveDifferentLookupsIsNoFinding() {
        var unit = SyntheticUnit()
        unit.bound("SELECT * FROM sessions WHERE token = $1", values: 1)
        unit.bound("SELECT * FROM users WHERE id = $1", values: 2)
        unit.bound("SELECT * FROM user_settings WHERE user_id = $1", values: 2)
        unit.bound("SELECT * FROM permissions WHERE role_id = $1", values: 3)
        unit.bound("SELECT id, title FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2", values: 4)
        #expect(Self.findings([unit]).isEmpty)
    }

    @Test func aChainOfLookupsEachKeyedByTheLastIsNoFinding() {
        var unit = SyntheticUnit()
        let tables = ["sessions", "users", "accounts", "plans", "invoices", "payments", "refunds", "notes", "tags"]
        for (index, table) in tables.enumerated() {
            unit.bound("SELECT * FROM \(table) WHERE id = $1", values: index + 1)
        }
        #expect(Self.findings([unit]).isEmpty)
    }

    @Test func anNPlusOneBurstIsNotASequentialRun() {
        var unit = SyntheticUnit()
        unit.literal("SELECT id, customer_id FROM orders WHERE status = 'open' LIMIT 25", rows: 25)
        for id in 1...25 { unit.literal("SELECT count(*) FROM order_items WHERE order_id = \(id)") }
        #expect(Self.findings([unit]).isEmpty)
    }

    @Test func aShortLoopOfSeveralQueriesPerRowIsNotASequentialRun() {
        var unit = SyntheticUnit()
        unit.literal("SELECT id FROM stores WHERE region = 'north'", rows: 3)
        for store in 1...3 {
            for metric in ["orders", "refunds", "visits", "carts", "reviews", "returns", "tickets", "coupons"] {
                unit.literal("SELECT count(*) FROM \(metric) WHERE store_id = \(store)")
            }
        }
        #expect(Self.findings([unit]).isEmpty)
    }

    @Test func queriesFilteredByTheSameTenantAreIndependent() throws {
        var unit = SyntheticUnit()
        unit.bound("SELECT * FROM restaurants WHERE id = $1", values: 42)
        for table in ["customers", "orders", "reviews", "menus", "tables", "staff", "shifts", "suppliers"] {
            unit.bound("SELECT * FROM \(table) WHERE restaurant_id = $1 ORDER BY id LIMIT 20", values: 42, rows: 20)
        }
        let findings = Self.findings([unit])
        try #require(findings.count == 1)
        #expect(findings[0].repetitions == 9)
        #expect(findings[0].evidence["rewrite"] == nil)
        #expect(findings[0].suggestion.contains("pipeline"))
    }

    @Test func sixCountsOfDifferentTablesAreEnoughWhenAllAreAggregates() throws {
        var unit = SyntheticUnit()
        for table in ["notifications", "messages", "cart_items", "orders", "tickets"] {
            unit.bound("SELECT count(*) FROM \(table) WHERE user_id = $1", values: 7)
        }
        #expect(Self.findings([unit]).isEmpty)
        unit.bound("SELECT count(*) FROM invitations WHERE user_id = $1", values: 7)
        let findings = Self.findings([unit])
        try #require(findings.count == 1)
        #expect(
            findings[0].evidence["rewrite"]
                == .string(
                    "SELECT (select count(*) from notifications where user_id = $1) AS count_notifications, "
                        + "(select count(*) from messages where user_id = $2) AS count_messages, "
                        + "(select count(*) from cart_items where user_id = $3) AS count_cart_items, "
                        + "(select count(*) from orders where user_id = $4) AS count_orders, "
                        + "(select count(*) from tickets where user_id = $5) AS count_tickets, "
                        + "(select count(*) from invitations where user_id = $6) AS count_invitations"))
    }

    @Test func aWriteCutsTheRun() {
        var unit = SyntheticUnit()
        for query in Self.liveKPIs.prefix(5) { unit.literal(query) }
        unit.literal("INSERT INTO audit_logs (action) VALUES ('kpis')")
        for query in Self.liveKPIs.suffix(5) { unit.literal(query) }
        #expect(Self.findings([unit]).isEmpty)
    }

    @Test func theSamePatternInThreeUnitsIsOneFindingWithThreeOccurrences() throws {
        let once = Self.findings([Self.kpiUnit()])
        let findings = Self.findings((1...3).map { Self.kpiUnit(connection: UInt64($0)) })
        try #require(findings.count == 1)
        #expect(findings[0].occurrences == 3)
        #expect(findings[0].timeMilliseconds == 126)
        #expect(findings[0].evidence["total_time_saved_ms"] == .number(90))
        #expect(findings[0].id == once.first?.id)
        #expect(findings[0].id.hasPrefix("sequential_queries-"))
    }

    @Test func smallSavingsAreInfo() throws {
        var unit = SyntheticUnit()
        for query in Self.liveKPIs { unit.literal(query, ms: 0.04) }
        let findings = Self.findings([unit])
        try #require(findings.count == 1)
        #expect(findings[0].severity == .info)
    }

    @Test func resetForgetsThePatterns() {
        var analysis = SequentialQueriesAnalysis()
        if let unit = Self.kpiUnit().unit { analysis.record(unit) }
        #expect(analysis.findings().count == 1)
        analysis.reset()
        #expect(analysis.findings().isEmpty)
    }

    private struct RewriteMissing: Error {}
}
