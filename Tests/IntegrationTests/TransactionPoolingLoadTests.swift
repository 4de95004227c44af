import Foundation
import Testing

/// The heavy half of the transaction-pooling tests: hundreds of clients at once. `scripts/test` runs
/// suites named `...LoadTests` after the others, alone, so that their load cannot make other suites'
/// timeouts fire on a small machine.
@Suite("transaction pooling under load", .serialized)
struct TransactionPoolingLoadTests {
    private static let env = ["PGPASSWORD": PostgresCluster.appPassword, "PGSSLMODE": "disable"]

    private static func config(poolSize: Int) -> ProxyConfig {
        TransactionPoolingTests.config(poolSize: poolSize)
    }

    @Test(
        "pgbench with 200 clients over a pool of 10: every transaction counted once",
        arguments: ["simple", "extended", "prepared"])
    func pgbenchManyClients(mode: String) async throws {
        let cluster = try await PostgresCluster.shared()
        let table = "txn_bench_\(mode)"
        try await cluster.psqlAdmin(
            "DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (id int PRIMARY KEY, n int NOT NULL);"
                + " INSERT INTO \(table) SELECT g, 0 FROM generate_series(1, 50) g; GRANT ALL ON \(table) TO app;",
            database: "app")
        let script = try TempDirectory.make(prefix: "pglens-it-bench") + "/txn.sql"
        try """
        \\set id random(1, 50)
        BEGIN;
        UPDATE \(table) SET n = n + 1 WHERE id = :id;
        SELECT n FROM \(table) WHERE id = :id;
        END;
        SELECT :id::int + 1;

        """.write(toFile: script, atomically: true, encoding: .utf8)
        // pgbench prepares a statement with a blocking PQprepare, which needs a server connection; with
        // several clients per thread, the others may hold every server connection in an open transaction
        // that only this thread can finish. One thread per client, as an application's connections have.
        let threads = mode == "prepared" ? "200" : "2"
        try await ProxyUnderTest.with(Self.config(poolSize: 10)) { proxy in
            let run = try await ClientRunner.run(
                "pgbench",
                [
                    "-n", "-f", script, "-M", mode, "-c", "200", "-j", threads, "-t", "10", "-h", "127.0.0.1", "-p",
                    String(proxy.port), "-U", "app", "app",
                ], environment: Self.env, timeout: 300)
            #expect(run.exitCode == 0, "\(run)")
            let processed = PgbenchTests.firstNumber(
                after: "number of transactions actually processed: ", in: run.stdout)
            let failed = PgbenchTests.firstNumber(after: "number of failed transactions: ", in: run.stdout)
            #expect(processed == 2000, "\(run.stdout)")
            #expect(failed == 0, "\(run.stdout)")
            let total = try await cluster.psqlAdmin("SELECT sum(n) FROM \(table)", database: "app")
            #expect(total == "2000")
            let servers = try await cluster.psqlAdmin(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'app' AND application_name = 'pgbench'")
            #expect((Int(servers) ?? 99) <= 10, "server connections: \(servers)")
        }
    }

    @Test(
        "200 clients of one driver share a pool of 10 without a single error",
        arguments: ["psycopg", "psycopg-unnamed", "asyncpg"])
    func twoHundredClients(driver: String) async throws {
        try await ProxyUnderTest.with(Self.config(poolSize: 10)) { proxy in
            let result = try await ClientRunner.python(
                "txn_pool_load.py", [driver, proxy.dsn(), "200", "6"], timeout: 300)
            let json = try JSONOutput.object(result)
            #expect(json["failed_clients"] as? Int == 0, "\(result.stderr)")
            #expect(json["errors"] as? Int == 0, "\(result.stderr)")
            #expect(json["checks"] as? Int == 200 * 6 * 3)
            #expect(json["checksum"] as? Int == json["expected_checksum"] as? Int)
        }
    }
}
