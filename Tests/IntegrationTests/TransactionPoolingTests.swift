import Foundation
import Testing

@Suite("transaction pooling through pglens", .serialized)
struct TransactionPoolingTests {
    private static let env = ["PGPASSWORD": PostgresCluster.appPassword, "PGSSLMODE": "disable"]

    private static func config(poolSize: Int, extra: [String] = []) -> ProxyConfig {
        var config = ProxyConfig()
        config.poolMode = "transaction"
        config.defaultPoolSize = poolSize
        config.maxClientConn = 400
        config.queryWaitTimeout = 60
        config.extraLines = extra
        return config
    }

    private static func adminDSN(_ cluster: PostgresCluster) -> String {
        "host=\(cluster.socketDirectory) port=\(cluster.port) user=postgres dbname=app"
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
        "drivers give the same answers directly and through a pool of 5",
        arguments: ["psycopg", "psycopg-unnamed", "psycopg-pipeline", "asyncpg", "asyncpg-small-cache"])
    func driversMatchDirect(driver: String) async throws {
        let cluster = try await PostgresCluster.shared()
        let directDSN = ProxyUnderTest.dsn(port: cluster.port, user: "app", password: PostgresCluster.appPassword)
        try await ProxyUnderTest.with(Self.config(poolSize: 5)) { proxy in
            async let direct = ClientRunner.python("txn_pool_load.py", [driver, directDSN, "20", "12"])
            async let proxied = ClientRunner.python("txn_pool_load.py", [driver, proxy.dsn(), "20", "12"])
            let (directResult, proxyResult) = try await (direct, proxied)
            let json = try JSONOutput.object(proxyResult)
            #expect(json["errors"] as? Int == 0, "\(proxyResult.stderr)")
            #expect(json["checks"] as? Int == 20 * 12 * 3)
            #expect(proxyResult.stdout == directResult.stdout, "\(proxyResult.stderr)")
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

    @Test("a Parse pglens sends for a client fails as the client's own message, and the session goes on")
    func injectedParseError() async throws {
        let cluster = try await PostgresCluster.shared()
        try await ProxyUnderTest.with(Self.config(poolSize: 1)) { proxy in
            let result = try await ClientRunner.python(
                "txn_pool_cases.py", ["injected-parse-error", proxy.dsn(), Self.adminDSN(cluster)])
            let json = try JSONOutput.object(result)
            #expect(json["first"] as? Int == 7)
            #expect(json["after_drop"] as? String == "42P01", "\(result)")
            #expect(json["still_usable"] as? Int == 42)
            #expect(json["after_recreate"] as? Int == 8)
        }
    }

    @Test("max_prepared_statements bounds what a server connection keeps; answers stay right")
    func eviction() async throws {
        let cluster = try await PostgresCluster.shared()
        let directDSN = ProxyUnderTest.dsn(port: cluster.port, user: "app", password: PostgresCluster.appPassword)
        try await ProxyUnderTest.with(Self.config(poolSize: 2, extra: ["max_prepared_statements = 3"])) { proxy in
            let proxied = try JSONOutput.object(
                try await ClientRunner.python("txn_pool_cases.py", ["eviction", proxy.dsn()]))
            let direct = try JSONOutput.object(
                try await ClientRunner.python("txn_pool_cases.py", ["eviction", directDSN]))
            #expect(proxied["answers"] as? [Int] == direct["answers"] as? [Int])
            #expect((proxied["answers"] as? [Int])?.count == 30)
            let most = proxied["most_prepared_seen"] as? Int ?? 99
            #expect(most <= 3, "pg_prepared_statements showed \(most)")
            #expect((direct["most_prepared_seen"] as? Int ?? 0) > 3)
        }
    }

    @Test("a transaction block keeps its server backend; errors inside it behave as directly")
    func transactionKeepsItsBackend() async throws {
        let cluster = try await PostgresCluster.shared()
        let directDSN = ProxyUnderTest.dsn(port: cluster.port, user: "app", password: PostgresCluster.appPassword)
        try await ProxyUnderTest.with(Self.config(poolSize: 3)) { proxy in
            async let direct = ClientRunner.python("txn_pool_cases.py", ["transaction-backend", directDSN])
            async let proxied = ClientRunner.python("txn_pool_cases.py", ["transaction-backend", proxy.dsn()])
            let (directResult, proxyResult) = try await (direct, proxied)
            let json = try JSONOutput.object(proxyResult)
            #expect(json["backends_in_one_transaction"] as? Int == 1)
            #expect(json["in_failed_block"] as? String == "25P02")
            #expect(proxyResult.stdout == directResult.stdout)
        }
    }
}
