import Foundation
import Testing

@Suite("transaction pooling through pglens", .serialized)
struct TransactionPoolingTests {
    private static let env = ["PGPASSWORD": PostgresCluster.appPassword, "PGSSLMODE": "disable"]

    static func config(poolSize: Int, extra: [String] = []) -> ProxyConfig {
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

    @Test(
        "query_timeout cancels a long query, idle_transaction_timeout and client_idle_timeout disconnect",
        arguments: ["session", "transaction"])
    func timeouts(mode: String) async throws {
        let cluster = try await PostgresCluster.shared()
        var config = Self.config(
            poolSize: 2,
            extra: ["query_timeout = 1", "idle_transaction_timeout = 1.5", "client_idle_timeout = 3"])
        config.poolMode = mode
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await ClientRunner.python(
                "txn_pool_cases.py", ["timeouts", proxy.dsn(), Self.adminDSN(cluster)], timeout: 60)
            let json = try JSONOutput.object(result)
            #expect(json["long_query"] as? String == "57014", "\(result)")
            #expect(json["cancelled_within_4s"] as? Bool == true)
            #expect(json["after_cancel"] as? Int == 2)
            #expect(json["idle_in_transaction"] as? String == "25P03", "\(result)")
            #expect(json["rows_after_rollback"] as? Int == 0)
            #expect(json["idle_1s"] as? String == "no error")
            #expect(json["idle_4s"] as? String == "57P05", "\(result)")
        }
    }

    @Test("session state under transaction pooling: pin behaves as PostgreSQL directly, including LISTEN/NOTIFY")
    func sessionStatePinned() async throws {
        let cluster = try await PostgresCluster.shared()
        let directDSN = ProxyUnderTest.dsn(port: cluster.port, user: "app", password: PostgresCluster.appPassword)
        try await ProxyUnderTest.with(Self.config(poolSize: 3)) { proxy in
            async let direct = ClientRunner.python("txn_pool_cases.py", ["session-state", directDSN, "pin"])
            async let proxied = ClientRunner.python("txn_pool_cases.py", ["session-state", proxy.dsn(), "pin"])
            let (directResult, proxyResult) = try await (direct, proxied)
            let json = try JSONOutput.object(proxyResult)
            #expect(json["own_setting"] as? [String] == ["1234ms"])
            #expect(json["others_setting"] as? [String] == ["0"])
            #expect(json["notified"] as? [String] == ["hello"])
            #expect(proxyResult.stdout == directResult.stdout)
        }
    }

    @Test("session_state_policy = warn lets the statement run with a WARNING; = error refuses it with 0A000")
    func sessionStateWarnAndError() async throws {
        for policy in ["warn", "error"] {
            let config = Self.config(poolSize: 3, extra: ["session_state_policy = \"\(policy)\""])
            try await ProxyUnderTest.with(config) { proxy in
                let result = try await ClientRunner.python("txn_pool_cases.py", ["session-state", proxy.dsn(), policy])
                let json = try JSONOutput.object(result)
                #expect(json["usable_after"] as? Bool == true)
                #expect(json["deallocate"] as? String == "ok")
                #expect(json["prepared_again"] as? String == "b")
                if policy == "warn" {
                    // The setting stays on whichever server connection ran it: that is what warn means.
                    #expect(json["set"] as? String == "ok")
                    #expect(json["warned"] as? Bool == true)
                    #expect(json["own_setting"] as? [String] == ["1234ms"])
                } else {
                    #expect(json["set"] as? String == "0A000")
                    #expect(json["notified"] as? String == "0A000")
                    #expect(json["own_setting"] as? [String] == ["0"])
                    #expect(json["others_setting"] as? [String] == ["0"])
                    #expect(json["after_leave"] as? [String] == ["0"])
                }
            }
        }
    }
}
