import Foundation
import Testing

/// `server_idle_timeout`, `server_lifetime`, `min_pool_size`, the reserve pool, `max_user_connections` and
/// `server_check_*`, observed from PostgreSQL's side (pg_stat_activity) with real clients through pglens.
@Suite("Pool limits and server lifetimes", .disabled(if: ProxyUnderTest.isDirect, "pglens pool settings"))
struct PoolLifetimeTimingTests {
    private static func config(_ databases: [String], _ lines: [String]) -> ProxyConfig {
        var config = ProxyConfig()
        config.databases = ["app"] + databases
        config.extraLines = lines
        return config
    }

    @Test("server_idle_timeout closes a server connection nobody used for that long")
    func idleTimeout() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await PoolObservation.database("pl_idle", on: cluster)
        try await ProxyUnderTest.with(Self.config([database], ["server_idle_timeout = 4"])) { proxy in
            #expect(try await PoolObservation.query("SELECT 1", port: proxy.port, database: database) == "1")
            let pooled = try await PoolObservation.serverConnections(database, on: cluster)
            #expect(pooled == 1, "the released server connection should stay pooled at first")
            let closed = try await PoolObservation.eventually(12) {
                try await PoolObservation.serverConnections(database, on: cluster) == 0
            }
            #expect(closed, "the idle server connection was not closed after server_idle_timeout")
        }
    }

    @Test("server_lifetime replaces a server connection older than that when it is released")
    func lifetime() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await PoolObservation.database("pl_lifetime", on: cluster)
        // 10 s: the server connection opened for the first query is younger than the time since `started`,
        // and two psql runs took 7.5 s on a loaded 2-core machine.
        try await ProxyUnderTest.with(Self.config([database], ["server_lifetime = 10"])) { proxy in
            let started = Date()
            let first = try await PoolObservation.query("SELECT pg_backend_pid()", port: proxy.port, database: database)
            let second = try await PoolObservation.query(
                "SELECT pg_backend_pid()", port: proxy.port, database: database)
            try #require(Date().timeIntervalSince(started) < 10, "the machine is too slow for this test's timing")
            #expect(first == second, "a young connection should be reused")
            try await Task.sleep(nanoseconds: 10_500_000_000)
            let third = try await PoolObservation.query("SELECT pg_backend_pid()", port: proxy.port, database: database)
            #expect(!third.isEmpty && third != first, "the connection past server_lifetime was reused")
            let pids = try await PoolObservation.serverPIDs(database, on: cluster)
            #expect(pids == [Int(third) ?? -1], "old server connections left: \(pids)")
        }
    }

    @Test("min_pool_size opens server connections without clients once the pool exists")
    func minPoolSize() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await PoolObservation.database("pl_minpool", on: cluster)
        try await ProxyUnderTest.with(Self.config([database], ["min_pool_size = 3"])) { proxy in
            #expect(try await PoolObservation.serverConnections(database, on: cluster) == 0)
            #expect(try await PoolObservation.query("SELECT 1", port: proxy.port, database: database) == "1")
            let filled = try await PoolObservation.eventually(8) {
                try await PoolObservation.serverConnections(database, on: cluster) == 3
            }
            #expect(filled, "the pool did not reach min_pool_size")
            try await Task.sleep(nanoseconds: 2_000_000_000)
            #expect(try await PoolObservation.serverConnections(database, on: cluster) == 3)
        }
    }

    @Test("a client that waited reserve_pool_timeout gets a reserve connection; it is closed afterwards")
    func reservePool() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await PoolObservation.database("pl_reserve", on: cluster)
        var config = Self.config([database], ["reserve_pool_size = 1", "reserve_pool_timeout = 1"])
        config.defaultPoolSize = 1
        config.queryWaitTimeout = 10
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await ClientRunner.python("pool_lifetimes.py", ["reserve", proxy.dsn(database: database)])
            let json = try JSONOutput.object(result)
            #expect(json["a_ok"] as? Bool == true, "\(json)")
            let elapsed = json["b_elapsed"] as? Double ?? -1
            // The holder keeps the only connection for 6 s; the reserve serves B after about 1 s.
            #expect(elapsed >= 0.8 && elapsed <= 4.5, "B waited \(elapsed) s: \(json)")
            #expect(json["b_pid"] as? Int != nil && json["b_pid"] as? Int != json["a_pid"] as? Int, "\(json)")
            let back = try await PoolObservation.eventually(5) {
                try await PoolObservation.serverConnections(database, on: cluster) == 1
            }
            #expect(back, "the reserve connection was not closed once nobody waited")
        }
    }

    @Test("max_user_connections caps a user's server connections across databases")
    func maxUserConnections() async throws {
        let cluster = try await PostgresCluster.shared()
        let first = try await PoolObservation.database("pl_user_a", on: cluster)
        let second = try await PoolObservation.database("pl_user_b", on: cluster)
        var config = Self.config([first, second], ["max_user_connections = 2"])
        config.queryWaitTimeout = 1.5
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await ClientRunner.python(
                "pool_lifetimes.py", ["usercap", proxy.dsn(database: first), proxy.dsn(database: second)])
            let json = try JSONOutput.object(result)
            #expect(json["third"] as? String == "53300", "the third session was not held back: \(json)")
            #expect(json["third_after"] as? String == "served", "\(json)")
            let total =
                try await PoolObservation.serverConnections(first, on: cluster)
                + PoolObservation.serverConnections(second, on: cluster)
            #expect(total <= 2, "user app holds \(total) server connections")
        }
    }

    @Test("a pooled backend terminated while idle: the next client is served by a fresh one")
    func terminatedWhileIdle() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await PoolObservation.database("pl_check", on: cluster)
        var config = Self.config([database], ["server_check_delay = 0"])
        config.defaultPoolSize = 1
        try await ProxyUnderTest.with(config) { proxy in
            let before = try await PoolObservation.query(
                "SELECT pg_backend_pid()", port: proxy.port, database: database)
            let terminated = try await cluster.psqlAdmin("SELECT pg_terminate_backend(\(before))")
            #expect(terminated == "t")
            let after = try await PoolObservation.query("SELECT pg_backend_pid()", port: proxy.port, database: database)
            #expect(!after.isEmpty && after != before, "served by \(after), terminated \(before)")
            let again = try await PoolObservation.query("SELECT pg_backend_pid()", port: proxy.port, database: database)
            #expect(again == after, "the fresh connection should be pooled and checked fine")
        }
    }

    @Test("a pooled backend that stopped answering fails server_check_query: the client gets a fresh one")
    func checkCatchesAStoppedBackend() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await PoolObservation.database("pl_stopped", on: cluster)
        var config = Self.config([database], ["server_check_delay = 0", "server_connect_timeout = 2"])
        config.defaultPoolSize = 1
        config.logLevel = "debug"
        try await ProxyUnderTest.with(config) { proxy in
            let before = try await PoolObservation.query(
                "SELECT pg_backend_pid()", port: proxy.port, database: database)
            let pid = try #require(Int32(before))
            // Stopped, the backend keeps its socket open: only the check can tell that it is gone.
            #expect(kill(pid, SIGSTOP) == 0)
            defer { kill(pid, SIGCONT) }
            let started = Date()
            let after: String
            do {
                after = try await PoolObservation.query("SELECT pg_backend_pid()", port: proxy.port, database: database)
            } catch {
                // With what pglens logged (debug level: its logins and the connections it closed).
                Issue.record("\(error)\npglens log:\n\(proxy.process?.log() ?? "")")
                return
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(!after.isEmpty && after != before, "served by \(after), stopped \(before)")
            #expect(elapsed >= 1.5 && elapsed < 10, "the check took \(elapsed) s; its limit is 2 s")
        }
    }

    @Test("a server that cannot be reached: clients wait query_wait_timeout for it, then get its error")
    func unreachableServer() async throws {
        var config = Self.config(["pl_down"], ["server_login_retry = 15"])
        config.serverPorts = ["pl_down": try Net.freePort()]
        config.queryWaitTimeout = 3
        try await ProxyUnderTest.with(config) { proxy in
            /// Connection attempts that failed so far, as pglens logged them (the first of an outage at warning
            /// level, the retries at debug level: counted from the first only).
            func warnings() -> Int {
                (proxy.process?.log().components(separatedBy: "server connection failed").count ?? 1) - 1
            }
            let started = Date()
            let run = try await ClientRunner.psql(
                port: proxy.port, user: "app", password: PostgresCluster.appPassword, database: "pl_down",
                arguments: ["-t", "-c", "SELECT 1"], timeout: 30)
            let waited = Date().timeIntervalSince(started)
            #expect(run.exitCode != 0, "\(run)")
            #expect(run.stderr.contains("did not accept a connection within query_wait_timeout"), "\(run)")
            #expect(run.stderr.contains("could not connect to server"), "\(run)")
            #expect(waited >= 2.5 && waited < 20, "the client waited \(waited) s; query_wait_timeout is 3 s")
            #expect(warnings() == 1, "one warning per outage, not one per retry:\n\(proxy.process?.log() ?? "")")
        }
    }
}
