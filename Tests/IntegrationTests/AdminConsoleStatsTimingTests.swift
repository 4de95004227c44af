import Foundation
import Testing

/// SHOW STATS under transaction pooling and the averages over a stats period, with psql.
@Suite("Admin console statistics", .disabled(if: ProxyUnderTest.isDirect, "PostgreSQL has no admin console"))
struct AdminConsoleStatsTimingTests {
    typealias Console = AdminConsoleTimingTests

    @Test("transaction pooling: one transaction per COMMIT or autocommit statement, one assignment each")
    func transactionPooling() async throws {
        var config = Console.config
        config.poolMode = "transaction"
        try await ProxyUnderTest.with(config) { proxy in
            let workload = try await Console.app(
                proxy, ["-c", "BEGIN", "-c", "SELECT 1", "-c", "COMMIT", "-c", "SELECT 2"])
            #expect(workload.exitCode == 0, "\(workload)")
            let totals = try #require(
                try await Console.show(proxy, "STATS_TOTALS").rows(where: "database", is: "app").first)
            #expect(totals["query_count"] == "4", "\(totals)")
            #expect(totals["xact_count"] == "2", "\(totals)")
            #expect(totals["server_assignment_count"] == "2", "\(totals)")
            #expect(totals["client_login_count"] == "1", "\(totals)")
            let xactTime = Int(totals["xact_time"] ?? "") ?? 0
            let queryTime = Int(totals["query_time"] ?? "") ?? 0
            #expect(queryTime > 0 && xactTime >= queryTime / 2, "\(totals)")
            let servers = try await Console.show(proxy, "SERVERS").rows(where: "database", is: "app")
            #expect(servers.map { $0["state"] } == ["idle"], "\(servers)")
            #expect(servers.first?["link"] == "")
        }
    }

    @Test("SHOW STATS_AVERAGES over a 1-second stats_period reflects a running workload")
    func averages() async throws {
        try await ProxyUnderTest.with(Console.config) { proxy in
            // At least 5 s of queries. The averages are read once a whole stats period lies inside the
            // workload: 2.1 s after its first query (on a loaded machine psql's login alone can take a
            // second or more, so the time from the start proves nothing).
            async let workload = Console.app(
                proxy, Array(repeating: ["-c", "SELECT pg_sleep(0.005)"], count: 1000).flatMap { $0 })
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let totals = try await Console.show(proxy, "STATS_TOTALS").rows(where: "database", is: "app").first
                if Int(totals?["query_count"] ?? "") ?? 0 > 0 {
                    break
                }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            try await Task.sleep(nanoseconds: 2_100_000_000)
            let averages = try await Console.show(proxy, "STATS_AVERAGES").rows(where: "database", is: "app").first
            let stats = try await Console.show(proxy, "STATS").rows(where: "database", is: "app").first
            let finished = try await workload
            #expect(finished.exitCode == 0)
            let perSecond = Int(averages?["query_count"] ?? "") ?? 0
            // At most one query per 5 ms.
            #expect(perSecond > 0 && perSecond <= 200, "\(String(describing: averages))")
            #expect(Int(averages?["query_time"] ?? "") ?? 0 >= 4_000, "\(String(describing: averages))")
            #expect(Int(averages?["bytes_received"] ?? "") ?? 0 > 0)
            #expect(Int(stats?["avg_query_count"] ?? "") ?? 0 > 0, "\(String(describing: stats))")
        }
    }

    @Test("SHOW STATEMENTS and SHOW SLOW report a workload's statements; RESET STATS forgets them")
    func statementsAndSlow() async throws {
        var config = Console.config
        config.extraLines += ["analysis = true", "slow_query_threshold_ms = 400"]
        try await ProxyUnderTest.with(config) { proxy in
            let workload = try await Console.app(
                proxy,
                Array(repeating: ["-c", "SELECT 7 AS x WHERE 2 = 2"], count: 5).flatMap { $0 } + [
                    "-c", "SELECT pg_sleep(0.5)",
                ])
            #expect(workload.exitCode == 0, "\(workload)")
            let statements = try await Console.eventually(proxy, "STATEMENTS") { table in
                table.rows.count >= 2
            }
            #expect(
                statements.columns == [
                    "fingerprint", "query", "database", "user", "application_name", "calls", "rows", "errors",
                    "total_ms", "mean_ms", "min_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms", "first_seen", "last_seen",
                ])
            let select = try #require(statements.rows(where: "calls", is: "5").first, "\(statements.rows)")
            #expect(select["query"]?.contains("as x") == true, "\(select)")
            #expect(select["rows"] == "5")
            #expect(select["errors"] == "0")
            #expect(select["database"] == "app" && select["user"] == "app")
            #expect(select["application_name"] == "pglens-it")
            #expect(select["fingerprint"]?.count == 16)
            let sleep = statements.rows(where: "calls", is: "1").first { $0["query"]?.contains("pg_sleep") == true }
            #expect(Double(sleep?["max_ms"] ?? "") ?? 0 >= 500, "\(String(describing: sleep))")
            // The console's own SHOW commands are not statements of the analysis.
            #expect(!statements.rows.contains { $0[1].lowercased().contains("show") })
            let slow = try await Console.show(proxy, "SLOW")
            #expect(
                slow.columns == [
                    "started_at", "duration_ms", "rows", "database", "user", "application_name", "client_addr", "query",
                ])
            // Only executions over the threshold; the sleep among them (on a loaded machine, others may be).
            let slowRows = slow.rows(where: "client_addr", is: "127.0.0.1")
            #expect(slowRows.count == slow.rows.count && !slowRows.isEmpty, "\(slow.rows)")
            #expect(slowRows.allSatisfy { Double($0["duration_ms"] ?? "") ?? 0 >= 400 }, "\(slowRows)")
            let sleeps = slowRows.filter { $0["query"]?.contains("pg_sleep") == true }
            #expect(sleeps.count == 1, "\(slowRows)")
            #expect(Double(sleeps.first?["duration_ms"] ?? "") ?? 0 >= 500)
            #expect(sleeps.first?["application_name"] == "pglens-it")
            let reset = try await Console.console(proxy, "RESET STATS")
            #expect(reset.exitCode == 0, "\(reset)")
            #expect(try await Console.show(proxy, "STATEMENTS").rows.isEmpty)
            #expect(try await Console.show(proxy, "SLOW").rows.isEmpty)
        }
    }

    @Test("SHOW STATEMENTS with the analysis off is an error")
    func analysisOff() async throws {
        var config = Console.config
        config.extraLines += ["analysis = false"]
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await Console.console(proxy, "SHOW STATEMENTS")
            #expect(result.exitCode != 0)
            #expect(result.stderr.contains("ERROR:  55000: pglens: analysis is off"), "\(result)")
        }
    }

    @Test("SHOW HELP sends the command list as notices")
    func help() async throws {
        try await ProxyUnderTest.with(Console.config) { proxy in
            let help = try await Console.console(proxy, "SHOW HELP")
            #expect(help.exitCode == 0, "\(help)")
            #expect(help.stderr.contains("NOTICE:  00000: Console usage"), "\(help)")
            #expect(help.stderr.contains("KILL_CLIENT"))
        }
    }
}
