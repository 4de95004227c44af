import Foundation
import Testing

/// The admin console with psql: PgBouncer's columns, values from a real workload, who may do what, and
/// the control commands acting on real clients and server connections.
@Suite("Admin console", .disabled(if: ProxyUnderTest.isDirect, "PostgreSQL has no admin console"))
struct AdminConsoleTimingTests {
    /// `app` is an admin user, `md5user` a stats user, `pwuser` neither.
    static var config: ProxyConfig {
        var config = ProxyConfig()
        config.users = [
            "app": PostgresCluster.appPassword, "md5user": PostgresCluster.md5Password,
            "pwuser": PostgresCluster.pwPassword,
        ]
        config.extraLines = ["admin_users = [\"app\"]", "stats_users = \"md5user\"", "stats_period = 1"]
        return config
    }

    /// A result set printed by `psql -A`: the header and the rows, split on `|`.
    struct Table {
        var columns: [String]
        var rows: [[String]]

        init(_ output: String) {
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            columns = lines.first.map { $0.components(separatedBy: "|") } ?? []
            rows = lines.dropFirst().prefix { !$0.hasPrefix("(") }.map { $0.components(separatedBy: "|") }
        }

        /// The rows where `column` has `value`, as dictionaries.
        func rows(where column: String, is value: String) -> [[String: String]] {
            rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }.filter { $0[column] == value }
        }
    }

    static func console(
        _ proxy: ProxyUnderTest, _ sql: String, user: String = "app",
        password: String = PostgresCluster.appPassword
    ) async throws -> CommandResult {
        try await ClientRunner.psql(
            port: proxy.port, user: user, password: password, database: "pglens",
            arguments: ["-v", "VERBOSITY=verbose", "-c", sql], timeout: 30)
    }

    static func show(_ proxy: ProxyUnderTest, _ what: String) async throws -> Table {
        let result = try await console(proxy, "SHOW \(what)")
        #expect(result.exitCode == 0, "\(result)")
        return Table(result.stdout)
    }

    /// SHOW `what` again every 100 ms until `accept` holds (at most 10 s); the last table either way.
    static func eventually(
        _ proxy: ProxyUnderTest, _ what: String, _ accept: (Table) -> Bool
    ) async throws -> Table {
        var table = try await show(proxy, what)
        for _ in 0..<100 where !accept(table) {
            try await Task.sleep(nanoseconds: 100_000_000)
            table = try await show(proxy, what)
        }
        return table
    }

    /// SHOW POOLS' longest wait in microseconds: `maxwait` seconds and `maxwait_us` more.
    static func maxWait(_ pool: [String: String]?) -> Int {
        (Int(pool?["maxwait"] ?? "") ?? 0) * 1_000_000 + (Int(pool?["maxwait_us"] ?? "") ?? 0)
    }

    static func app(_ proxy: ProxyUnderTest, _ arguments: [String]) async throws -> CommandResult {
        try await ClientRunner.psql(
            port: proxy.port, user: "app", password: PostgresCluster.appPassword, arguments: arguments, timeout: 30)
    }

    static let socketColumns =
        "type user database replication state addr port local_addr local_port connect_time request_time wait wait_us "
        + "close_needed ptr link remote_pid tls application_name prepared_statements id"

    @Test("SHOW commands answer with PgBouncer 1.25's columns")
    func columns() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            let expected: [(String, String)] = [
                (
                    "POOLS",
                    "database user cl_active cl_waiting cl_active_cancel_req cl_waiting_cancel_req sv_active "
                        + "sv_active_cancel sv_being_canceled sv_idle sv_used sv_tested sv_login maxwait maxwait_us "
                        + "pool_mode load_balance_hosts"
                ),
                ("CLIENTS", Self.socketColumns), ("SERVERS", Self.socketColumns),
                (
                    "STATS",
                    "database total_server_assignment_count total_xact_count total_query_count total_received "
                        + "total_sent total_xact_time total_query_time total_wait_time total_client_parse_count "
                        + "total_server_parse_count total_bind_count total_client_login_count "
                        + "avg_server_assignment_count avg_xact_count avg_query_count avg_recv avg_sent avg_xact_time "
                        + "avg_query_time avg_wait_time avg_client_parse_count avg_server_parse_count avg_bind_count "
                        + "avg_client_login_count"
                ),
                (
                    "DATABASES",
                    "name host port database force_user pool_size min_pool_size reserve_pool_size server_lifetime "
                        + "pool_mode load_balance_hosts max_connections current_connections max_client_connections "
                        + "current_client_connections paused disabled"
                ),
                ("CONFIG", "key value default changeable"),
                (
                    "USERS",
                    "name pool_size reserve_pool_size pool_mode max_user_connections current_connections "
                        + "max_user_client_connections current_client_connections"
                ),
                ("LISTS", "list items"), ("VERSION", "version"),
            ]
            for (command, columns) in expected {
                let table = try await Self.show(proxy, command)
                #expect(table.columns == columns.components(separatedBy: " "), "SHOW \(command)")
            }
            let several = try await Self.console(proxy, "show version; SHOW LISTS;")
            #expect(several.exitCode == 0, "\(several)")
            #expect(several.stdout.contains("PgBouncer 1.25.0"))
            #expect(several.stdout.contains("used_clients|1"))
            let config = try await Self.show(proxy, "CONFIG")
            #expect(config.rows.contains(["stats_users", "md5user", "", "yes"]))
            #expect(config.rows.contains(["stats_period", "1", "60", "no"]))
        }
    }

    @Test("SHOW STATS counts a real workload; SHOW DATABASES and USERS count its connections")
    func statsAfterWorkload() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            let queries = 7
            let workload = try await Self.app(
                proxy, Array(repeating: ["-c", "SELECT 1"], count: queries).flatMap { $0 })
            #expect(workload.exitCode == 0, "\(workload)")
            let stats = try #require(try await Self.show(proxy, "STATS").rows(where: "database", is: "app").first)
            #expect(stats["total_query_count"] == String(queries), "\(stats)")
            #expect(stats["total_xact_count"] == String(queries), "\(stats)")
            #expect(Int(stats["total_received"] ?? "") ?? 0 >= queries * "SELECT 1".utf8.count, "\(stats)")
            #expect(Int(stats["total_sent"] ?? "") ?? 0 > 0, "\(stats)")
            #expect(Int(stats["total_query_time"] ?? "") ?? 0 > 0, "\(stats)")
            #expect(stats["total_client_login_count"] == "1", "\(stats)")
            #expect(stats["total_server_assignment_count"] == "1", "\(stats)")
            let totals = try #require(
                try await Self.show(proxy, "STATS_TOTALS").rows(where: "database", is: "app").first)
            #expect(totals["query_count"] == stats["total_query_count"])
            // The workload's server connection is back in the pool.
            let database = try #require(
                try await Self.show(proxy, "DATABASES").rows(where: "name", is: "app").first)
            #expect(database["current_connections"] == "1")
            #expect(database["paused"] == "0")
            let pool = try #require(try await Self.show(proxy, "POOLS").rows(where: "database", is: "app").first)
            #expect(pool["sv_idle"] == "1")
            #expect(pool["cl_active"] == "0")
        }
    }

    @Test("a connected client appears in SHOW CLIENTS, linked to its server in SHOW SERVERS")
    func clientsAndServers() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            // Long enough for three console logins on a slow machine (each a psql process): the client must
            // still be running its query when SHOW POOLS is read.
            async let sleeper = Self.app(proxy, ["-c", "SELECT pg_sleep(15)"])
            let clients = try await Self.eventually(proxy, "CLIENTS") { table in
                table.rows(where: "database", is: "app").first?["state"] == "active"
            }.rows(where: "database", is: "app")
            let servers = try await Self.show(proxy, "SERVERS").rows(where: "database", is: "app")
            let pool = try await Self.show(proxy, "POOLS").rows(where: "database", is: "app").first
            _ = try await sleeper
            let client = try #require(clients.first, "\(clients)")
            #expect(clients.count == 1)
            #expect(client["type"] == "C")
            #expect(client["user"] == "app")
            #expect(client["state"] == "active")
            #expect(client["addr"] == "127.0.0.1")
            #expect(client["application_name"] == "pglens-it")
            #expect(client["local_port"] == String(proxy.port))
            #expect(client["connect_time"]?.hasSuffix(" UTC") == true)
            let server = try #require(servers.first, "\(servers)")
            #expect(server["type"] == "S")
            #expect(server["state"] == "active")
            #expect(server["link"] == client["ptr"])
            #expect(client["link"] == server["ptr"])
            #expect(server["port"] == String(proxy.cluster.port))
            #expect(Int(server["remote_pid"] ?? "") ?? 0 > 0)
            #expect(pool?["cl_active"] == "1")
            #expect(pool?["sv_active"] == "1")
        }
    }

    @Test("only admin_users and stats_users log in; stats_users get 42501 for control commands")
    func permissions() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            let outsider = try await Self.console(
                proxy, "SHOW POOLS", user: "pwuser", password: PostgresCluster.pwPassword)
            #expect(outsider.exitCode != 0)
            #expect(outsider.stderr.contains("pglens: not allowed"), "\(outsider)")
            let wrongPassword = try await Self.console(proxy, "SHOW POOLS", user: "app", password: "wrong")
            #expect(wrongPassword.stderr.contains("password authentication failed"), "\(wrongPassword)")
            let watcher = try await Self.console(
                proxy, "SHOW POOLS", user: "md5user", password: PostgresCluster.md5Password)
            #expect(watcher.exitCode == 0, "\(watcher)")
            let pause = try await Self.console(proxy, "PAUSE", user: "md5user", password: PostgresCluster.md5Password)
            #expect(pause.stderr.contains("ERROR:  42501: pglens: only admin_users may run PAUSE"), "\(pause)")
            let unknown = try await Self.console(proxy, "SHOW NOTHING")
            #expect(unknown.stderr.contains("ERROR:  42601:"), "\(unknown)")
        }
    }

    @Test("PAUSE holds a new client until RESUME")
    func pauseAndResume() async throws {
        // A paused client counts against query_wait_timeout, as in PgBouncer. The test's three console
        // calls (each a psql login) took over the default 5 s under CI's load once, and the paused client
        // was refused before RESUME came: give it room.
        var config = Self.config
        config.queryWaitTimeout = 60
        try await ProxyUnderTest.with(config) { proxy in
            let pause = try await Self.console(proxy, "PAUSE app")
            #expect(pause.exitCode == 0 && pause.stdout.contains("PAUSE"), "\(pause)")
            let started = Date()
            async let waiting = Self.app(proxy, ["-c", "SELECT 40 + 2 AS answer"])
            let pool = try await Self.eventually(proxy, "POOLS") { table in
                Self.maxWait(table.rows(where: "database", is: "app").first) >= 500_000
            }.rows(where: "database", is: "app").first
            let database = try await Self.show(proxy, "DATABASES").rows(where: "name", is: "app").first
            let resume = try await Self.console(proxy, "RESUME app")
            let answer = try await waiting
            #expect(pool?["cl_waiting"] == "1", "\(String(describing: pool))")
            #expect(Self.maxWait(pool) >= 500_000, "\(String(describing: pool))")
            #expect(database?["paused"] == "1")
            #expect(resume.exitCode == 0, "\(resume)")
            #expect(answer.exitCode == 0, "\(answer)")
            #expect(answer.stdout.contains("answer\n42\n"))
            #expect(Date().timeIntervalSince(started) >= 0.5)
        }
    }

    @Test("under transaction pooling, PAUSE returns once the transaction in flight has ended")
    func pauseWaitsForTheTransactionInFlight() async throws {
        var config = Self.config
        config.poolMode = "transaction"
        try await ProxyUnderTest.with(config) { proxy in
            async let busy = Self.app(proxy, ["-c", "BEGIN; SELECT pg_sleep(3); COMMIT"])
            _ = try await Self.eventually(proxy, "SERVERS") { table in
                table.rows(where: "database", is: "app").first?["state"] == "active"
            }
            let asked = Date()
            let pause = try await Self.console(proxy, "PAUSE")
            let paused = Date()
            let finished = try await busy
            let servers = try await Self.show(proxy, "SERVERS").rows(where: "database", is: "app")
            let resume = try await Self.console(proxy, "RESUME")
            #expect(pause.exitCode == 0, "\(pause)")
            #expect(paused.timeIntervalSince(asked) >= 0.5, "PAUSE returned before the transaction ended")
            #expect(finished.exitCode == 0, "\(finished)")
            #expect(servers.map { $0["state"] } == ["idle"], "\(servers)")
            #expect(resume.exitCode == 0)
        }
    }

    @Test("KILL_CLIENT drops one client at once")
    func killClient() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            let started = Date()
            // The victim would run 30 s; KILL_CLIENT must end it long before, even with the console's psql
            // logins slow on a loaded machine.
            async let victim = Self.app(proxy, ["-c", "SELECT pg_sleep(30)"])
            let client = try await Self.eventually(proxy, "CLIENTS") { table in
                table.rows(where: "database", is: "app").first?["state"] == "active"
            }.rows(where: "database", is: "app").first
            let id = client?["id"] ?? "none"
            let kill = try await Self.console(proxy, "KILL_CLIENT \(id)")
            let result = try await victim
            #expect(kill.exitCode == 0, "\(kill)")
            #expect(result.exitCode != 0)
            #expect(result.stderr.contains("KILL_CLIENT"), "\(result)")
            #expect(Date().timeIntervalSince(started) < 25)
            let after = try await Self.show(proxy, "CLIENTS").rows(where: "database", is: "app")
            #expect(after.isEmpty, "\(after)")
            let missing = try await Self.console(proxy, "KILL_CLIENT 999999")
            #expect(missing.stderr.contains("no client with id 999999"), "\(missing)")
        }
    }

    @Test("RECONNECT closes the pooled server connections; WAIT_CLOSE returns once they are gone")
    func reconnect() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            let pid = "SELECT pg_backend_pid() AS pid"
            let first = try await Self.app(proxy, ["-c", pid])
            let before = try await Self.show(proxy, "SERVERS").rows(where: "database", is: "app")
            let reconnect = try await Self.console(proxy, "RECONNECT app; WAIT_CLOSE app")
            let after = try await Self.show(proxy, "SERVERS").rows(where: "database", is: "app")
            let second = try await Self.app(proxy, ["-c", pid])
            #expect(before.count == 1)
            #expect(reconnect.exitCode == 0, "\(reconnect)")
            #expect(after.isEmpty, "\(after)")
            #expect(first.exitCode == 0 && second.exitCode == 0)
            #expect(first.stdout != second.stdout, "a new server connection: \(first.stdout) / \(second.stdout)")
        }
    }

    @Test("KILL drops the clients and server connections of a database; DISABLE refuses new logins")
    func killAndDisable() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            // The victim would run 30 s; KILL_CLIENT must end it long before, even with the console's psql
            // logins slow on a loaded machine.
            async let victim = Self.app(proxy, ["-c", "SELECT pg_sleep(30)"])
            _ = try await Self.eventually(proxy, "SERVERS") { table in
                table.rows(where: "database", is: "app").first?["state"] == "active"
            }
            let kill = try await Self.console(proxy, "KILL app")
            let killed = try await victim
            #expect(kill.exitCode == 0, "\(kill)")
            #expect(killed.exitCode != 0 && killed.stderr.contains("(KILL)"), "\(killed)")
            let disable = try await Self.console(proxy, "DISABLE app")
            let refused = try await Self.app(proxy, ["-c", "SELECT 1"])
            let database = try await Self.show(proxy, "DATABASES").rows(where: "name", is: "app").first
            let enable = try await Self.console(proxy, "ENABLE app")
            let admitted = try await Self.app(proxy, ["-c", "SELECT 1"])
            #expect(disable.exitCode == 0 && enable.exitCode == 0)
            #expect(refused.exitCode != 0 && refused.stderr.contains("is disabled"), "\(refused)")
            #expect(database?["disabled"] == "1")
            #expect(database?["current_connections"] == "0")
            #expect(admitted.exitCode == 0, "\(admitted)")
        }
    }

    @Test("RELOAD applies a changed pool size from the config file")
    func reload() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            let process = try #require(proxy.process)
            func write(_ config: ProxyConfig) throws {
                try config.toml(listenPort: proxy.port, serverPort: proxy.cluster.port, httpPort: process.httpPort)
                    .write(toFile: process.directory + "/pglens.toml", atomically: true, encoding: .utf8)
            }
            var changed = Self.config
            changed.defaultPoolSize = 3
            changed.maxClientConn = 50
            try write(changed)
            let reload = try await Self.console(proxy, "RELOAD")
            let config = try await Self.show(proxy, "CONFIG")
            #expect(reload.exitCode == 0, "\(reload)")
            #expect(reload.stderr.contains("needs a restart to apply: max_client_conn"), "\(reload)")
            #expect(config.rows.contains(["default_pool_size", "3", "20", "yes"]))
            #expect(config.rows.contains(["max_client_conn", "100", "100", "no"]))
            let database = try await Self.show(proxy, "DATABASES").rows(where: "name", is: "app").first
            #expect(database?["pool_size"] == "3")
            // An invalid file is refused with its problem, and the running configuration stays.
            changed.defaultPoolSize = 0
            try write(changed)
            let refused = try await Self.console(proxy, "RELOAD")
            #expect(refused.exitCode != 0)
            #expect(refused.stderr.contains("default_pool_size"), "\(refused)")
            let after = try await Self.show(proxy, "CONFIG")
            #expect(after.rows.contains(["default_pool_size", "3", "20", "yes"]))
        }
    }

    @Test("SHUTDOWN stops pglens")
    func shutdown() async throws {
        try await ProxyUnderTest.with(Self.config) { proxy in
            let shutdown = try await Self.console(proxy, "SHUTDOWN")
            #expect(shutdown.stdout.contains("SHUTDOWN") || shutdown.exitCode == 0, "\(shutdown)")
            var listening = true
            for _ in 0..<50 where listening {
                try await Task.sleep(nanoseconds: 100_000_000)
                listening = Net.accepts(port: proxy.port)
            }
            #expect(!listening)
        }
    }
}
