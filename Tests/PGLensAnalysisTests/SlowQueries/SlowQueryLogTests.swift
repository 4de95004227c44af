import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct SlowQueryLogTests {
    private let query = "SELECT * FROM orders WHERE customer_id = 42 AND status = 'open'"

    @Test func keepsOnlyExecutionsAtOrOverTheThreshold() {
        var log = SlowQueryLog()
        let recorded1 = log.record(EventFactory.event(query, milliseconds: 99.999))
        #expect(!recorded1)
        let recorded2 = log.record(EventFactory.event(query, milliseconds: 100, at: 1, rows: 3))
        #expect(recorded2)
        let recorded3 = log.record(EventFactory.event(query, milliseconds: 250, at: 2))
        #expect(recorded3)
        #expect(log.slowExecutions == 2)
        let executions = log.recentExecutions
        #expect(executions.map(\.durationMilliseconds) == [100, 250])
        #expect(executions[0].rows == 3)
        #expect(executions[0].clientAddress == "10.0.0.1:5000")
        #expect(executions[0].applicationName == "api")
        #expect(executions[0].startedAt == EventFactory.epoch.addingTimeInterval(1))
        #expect(executions[0].query == "select * from orders where customer_id = $1 and status = $2")
    }

    @Test func perDatabaseThresholdOverridesTheDefault() {
        var log = SlowQueryLog(thresholds: SlowQueryThresholds(perDatabaseMilliseconds: ["reports": 1000]))
        let recorded4 = log.record(EventFactory.event(query, milliseconds: 500, database: "reports"))
        #expect(!recorded4)
        let recorded5 = log.record(EventFactory.event(query, milliseconds: 500, database: "app"))
        #expect(recorded5)
        #expect(log.thresholds.milliseconds(for: "reports") == 1000)
        #expect(log.thresholds.milliseconds(for: "app") == 100)
    }

    @Test func aLowerPerDatabaseThresholdStillCounts() {
        var thresholds = SlowQueryThresholds(perDatabaseMilliseconds: ["oltp": 20])
        #expect(thresholds.isSlow(30_000_000, in: "oltp"))
        #expect(!thresholds.isSlow(30_000_000, in: "app"))
        #expect(!thresholds.isSlow(19_999_999, in: "oltp"))
        // Changing either setting moves the shortcut with it.
        thresholds.perDatabaseMilliseconds = [:]
        #expect(!thresholds.isSlow(30_000_000, in: "oltp"))
        thresholds.defaultMilliseconds = 10
        #expect(thresholds.isSlow(10_000_000, in: "app"))
    }

    @Test func ringKeepsTheNewest() {
        var log = SlowQueryLog(capacity: 2)
        for (index, duration) in [110.0, 120, 130].enumerated() {
            log.record(EventFactory.event(query, milliseconds: duration, at: Double(index)))
        }
        #expect(log.recentExecutions.map(\.durationMilliseconds) == [120, 130])
        #expect(log.slowExecutions == 3)
    }

    @Test func aggregatesIntoOneFindingPerFingerprint() throws {
        var log = SlowQueryLog()
        log.record(EventFactory.event(query, milliseconds: 150, at: 3))
        log.record(EventFactory.event(query, milliseconds: 250, at: 1))
        log.record(EventFactory.event(query, milliseconds: 120, at: 2))
        log.record(EventFactory.event("select pg_sleep(0.2)", milliseconds: 201, at: 4))
        let findings = log.findings(captureParameters: false)
        #expect(findings.count == 2)
        let finding = try #require(findings.first)
        #expect(finding.kind == .slowQuery)
        #expect(finding.severity == .warning)
        #expect(finding.occurrences == 3)
        #expect(finding.timeMilliseconds == 520)
        #expect(finding.query == "select * from orders where customer_id = $1 and status = $2")
        #expect(finding.fingerprint == StatementNormalizer().normalize(query).fingerprint.hex)
        #expect(finding.database == "app")
        #expect(finding.applicationName == "api")
        #expect(finding.table == "orders")
        #expect(finding.columns == ["customer_id", "status"])
        #expect(finding.evidence["worst_ms"] == .number(250))
        #expect(finding.evidence["p95_ms"] == .number(250))
        #expect(finding.evidence["threshold_ms"] == .number(100))
        #expect(finding.evidence["worst_parameters"] == nil)
        #expect(finding.firstSeen == EventFactory.epoch.addingTimeInterval(1))
        #expect(finding.lastSeen == EventFactory.epoch.addingTimeInterval(3))
        #expect(
            finding.suggestion
                == "Run EXPLAIN (ANALYZE, BUFFERS) on this query with representative parameter values (p95 250 ms); "
                + "if it scans orders sequentially or filters many rows on customer_id, status, an index may help: "
                + "CREATE INDEX CONCURRENTLY ON orders (customer_id, status);")
        #expect(findings[1].table == nil)
        #expect(
            findings[1].suggestion
                == "Run EXPLAIN (ANALYZE, BUFFERS) on this query with representative parameter values (p95 201 ms) "
                + "and look at the slowest plan nodes, rows removed by filters and buffers read.")
    }

    @Test func findingIDIsStableAndDistinguishesApplications() {
        var log = SlowQueryLog()
        log.record(EventFactory.event(query, milliseconds: 150, application: "api"))
        log.record(EventFactory.event(query, milliseconds: 150, application: "worker"))
        let ids = log.findings(captureParameters: false).map(\.id)
        #expect(Set(ids).count == 2)
        #expect(ids.allSatisfy { $0.hasPrefix("slow_query-") && $0.utf8.count == "slow_query-".utf8.count + 16 })
        var again = SlowQueryLog()
        again.record(EventFactory.event(query, milliseconds: 300, application: "worker"))
        #expect(ids.contains(again.findings(captureParameters: false)[0].id))
    }

    @Test func criticalWhenP95ReachesOneSecond() {
        var log = SlowQueryLog()
        log.record(EventFactory.event(query, milliseconds: 1500))
        #expect(log.findings(captureParameters: false).first?.severity == .critical)
    }

    @Test func worstParametersOnlyWhenCaptured() {
        var log = SlowQueryLog()
        let long = String(repeating: "é", count: 150)  // 300 bytes
        log.record(EventFactory.event(query, milliseconds: 150, parameters: ["1", nil]))
        log.record(EventFactory.event(query, milliseconds: 400, parameters: [long, "x"]))
        log.record(EventFactory.event(query, milliseconds: 200, parameters: ["3", "y"]))
        let captured = log.findings(captureParameters: true).first?.evidence["worst_parameters"]
        #expect(captured == .array([.string(String(repeating: "é", count: 100)), .string("x")]))
        #expect(log.findings(captureParameters: false).first?.evidence["worst_parameters"] == nil)
    }

    @Test func resetForgetsEverything() {
        var log = SlowQueryLog()
        log.record(EventFactory.event(query, milliseconds: 150))
        log.reset()
        #expect(log.recentExecutions.isEmpty)
        #expect(log.findings(captureParameters: false).isEmpty)
        #expect(log.slowExecutions == 0)
    }
}

@Suite struct SlowUtilityStatementTests {
    @Test(arguments: [
        ("COPY orders FROM STDIN", "COPY is a bulk transfer"),
        ("VACUUM ANALYZE orders", "A maintenance command"),
        ("ALTER TABLE orders ADD COLUMN note text", "Schema change"),
        ("COMMIT", "Slow COMMIT"),
        ("LOCK TABLE orders", "LOCK is not a plannable query"),
    ])
    func utilityCommandsAreInfoWithTheirOwnAdvice(statement: String, advice: String) throws {
        var log = SlowQueryLog()
        log.record(EventFactory.event(statement, milliseconds: 2500))
        let finding = try #require(log.findings(captureParameters: false).first)
        #expect(finding.severity == .info)
        #expect(finding.suggestion.hasPrefix(advice), "\(finding.suggestion)")
        #expect(!finding.suggestion.contains("EXPLAIN"))
    }

    @Test func plannableStatementsKeepTheirSeverity() throws {
        var log = SlowQueryLog()
        log.record(EventFactory.event("/* app */ WITH t AS (SELECT 1) SELECT * FROM t", milliseconds: 2500))
        log.record(EventFactory.event("INSERT INTO t SELECT * FROM u", milliseconds: 150))
        let severities = log.findings(captureParameters: false).map(\.severity)
        #expect(severities == [.critical, .warning])
    }
}
