import Foundation
import PGLensConfig

/// Builds the result sets of the admin console's SHOW commands from plain values, with PgBouncer 1.25's
/// column names, order and types.
enum AdminTables {
    /// PgBouncer's `T` columns: a timestamp in UTC, `2026-01-31 12:00:00 UTC`.
    static func timestamp(_ date: Date?) -> String? {
        guard let date else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", parts.year ?? 0) + "-" + two(parts.month) + "-" + two(parts.day) + " "
            + two(parts.hour) + ":" + two(parts.minute) + ":" + two(parts.second) + " UTC"
    }

    /// What SHOW VERSION answers: pglens, and the PgBouncer release whose console it follows (tools that
    /// look for `PgBouncer x.y.z` find it).
    static let versionText = "pglens (PgBouncer 1.25.0 compatible admin console)"

    static func version() -> AdminResultSet {
        var result = AdminResultSet(columns: [.text("version")])
        result.append([versionText])
        return result
    }

    /// The NOTICE lines SHOW HELP sends.
    static let helpLines = [
        "Console usage",
        "\tSHOW HELP|CONFIG|DATABASES|POOLS|CLIENTS|SERVERS|USERS|VERSION",
        "\tSHOW STATS|STATS_TOTALS|STATS_AVERAGES|LISTS",
        "\tSHOW STATEMENTS|SLOW",
        "\tRESET STATS",
        "\tPAUSE [<db>]", "\tRESUME [<db>]", "\tDISABLE <db>", "\tENABLE <db>",
        "\tRECONNECT [<db>]", "\tKILL [<db>]", "\tKILL_CLIENT <client_id>",
        "\tWAIT_CLOSE [<db>]", "\tRELOAD", "\tSHUTDOWN",
    ]

    /// SHOW POOLS: one row per pool; client counts come from the sessions' snapshots.
    static func pools(
        counts: [PoolKey: PoolManagerState.PoolCounts], clients: [ConnectionSnapshot], poolMode: (PoolKey) -> String
    ) -> AdminResultSet {
        var result = AdminResultSet(
            columns: [.text("database"), .text("user")]
                + [
                    "cl_active", "cl_waiting", "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active",
                    "sv_active_cancel", "sv_being_canceled", "sv_idle", "sv_used", "sv_tested", "sv_login",
                    "maxwait", "maxwait_us",
                ].map(AdminColumn.int4)
                + [.text("pool_mode"), .text("load_balance_hosts")])
        var clientsByKey: [PoolKey: [ConnectionSnapshot]] = [:]
        for client in clients {
            clientsByKey[PoolKey(database: client.database, user: client.user), default: []].append(client)
        }
        let keys = Set(counts.keys).union(clientsByKey.keys).sorted { ($0.database, $0.user) < ($1.database, $1.user) }
        for key in keys {
            let pool = counts[key] ?? PoolManagerState.PoolCounts()
            let members = clientsByKey[key] ?? []
            let waiting = members.filter { $0.state == .waiting }
            let maxWait = waiting.map(\.waitMicroseconds).max() ?? 0
            let values = [
                members.count - waiting.count, waiting.count, 0, 0, pool.active, 0, 0, pool.idle, 0, 0,
                pool.connecting, Int(maxWait / 1_000_000), Int(maxWait % 1_000_000),
            ]
            result.append([key.database, key.user] + values.map { String($0) } + [poolMode(key), nil])
        }
        return result
    }

    /// SHOW DATABASES: one row per configured database, and one for the console's own `pglens` (as
    /// PgBouncer lists `pgbouncer`), whose clients are those of both its names.
    static func databases(
        configuration: Configuration, serverCounts: [String: Int], clientCounts: [String: Int],
        paused: (String) -> Bool, disabled: (String) -> Bool
    ) -> AdminResultSet {
        var result = AdminResultSet(columns: [
            .text("name"), .text("host"), .int4("port"), .text("database"), .text("force_user"), .int4("pool_size"),
            .int4("min_pool_size"), .int4("reserve_pool_size"), .int4("server_lifetime"), .text("pool_mode"),
            .text("load_balance_hosts"), .int4("max_connections"), .int4("current_connections"),
            .int4("max_client_connections"), .int4("current_client_connections"), .int4("paused"),
            .int4("disabled"),
        ])
        let consoleClients = AdminRole.databaseNames.reduce(0) { $0 + (clientCounts[$1] ?? 0) }
        // Validation keeps configured databases off the console's names.
        for name in (configuration.databases.keys + ["pglens"]).sorted() {
            guard let database = configuration.databases[name] else {
                result.append([
                    name, nil, String(configuration.listenPort), name, nil, "0", "0", "0", "0", "statement", nil, "0",
                    "0", "0", String(consoleClients), "0", "0",
                ])
                continue
            }
            result.append([
                name, database.host, String(database.port), database.dbname, database.forceUser,
                String(configuration.poolSize(for: database)), String(configuration.minPoolSize(for: database)),
                String(configuration.reservePoolSize(for: database)), String(Int(configuration.serverLifetime)),
                database.poolMode?.rawValue ?? configuration.poolMode.rawValue, nil,
                String(database.maxDBConnections ?? configuration.maxDBConnections),
                String(serverCounts[name] ?? 0), "0", String(clientCounts[name] ?? 0),
                paused(name) ? "1" : "0", disabled(name) ? "1" : "0",
            ])
        }
        return result
    }

    /// SHOW USERS: one row per configured user.
    static func users(
        configuration: Configuration, serverCounts: [String: Int], clientCounts: [String: Int]
    ) -> AdminResultSet {
        var result = AdminResultSet(columns: [
            .text("name"), .text("pool_size"), .text("reserve_pool_size"), .text("pool_mode"),
            .int4("max_user_connections"), .int4("current_connections"), .int4("max_user_client_connections"),
            .int4("current_client_connections"),
        ])
        for name in configuration.users.keys.sorted() {
            let user = configuration.users[name]!
            result.append([
                name, "", "", user.poolMode?.rawValue, String(configuration.maxUserConnections(for: user)),
                String(serverCounts[name] ?? 0), "0",
                String(clientCounts[name] ?? 0),
            ])
        }
        return result
    }

    /// SHOW CONFIG: every top-level key with its value, its default and whether RELOAD changes it.
    static func config(_ configuration: Configuration) -> AdminResultSet {
        var result = AdminResultSet(columns: [.text("key"), .text("value"), .text("default"), .text("changeable")])
        let defaults = Configuration()
        for key in Configuration.settingKeys {
            result.append([
                key, configuration.settingText(key), defaults.settingText(key),
                reloadableKeys.contains(key) ? "yes" : "no",
            ])
        }
        return result
    }

    /// The top-level keys RELOAD applies.
    static let reloadableKeys: Set<String> = [
        "default_pool_size", "max_db_connections", "min_pool_size", "reserve_pool_size", "reserve_pool_timeout",
        "max_user_connections", "admin_users", "stats_users",
    ]

    /// SHOW LISTS: counts of pglens's lists under PgBouncer's names.
    static func lists(
        databases: Int, users: Int, pools: Int, usedClients: Int, loginClients: Int, usedServers: Int
    ) -> AdminResultSet {
        var result = AdminResultSet(columns: [.text("list"), .int4("items")])
        let rows: [(String, Int)] = [
            ("databases", databases), ("users", users), ("peers", 0), ("pools", pools), ("peer_pools", 0),
            ("free_clients", 0), ("used_clients", usedClients), ("login_clients", loginClients),
            ("free_servers", 0), ("used_servers", usedServers), ("dns_names", 0), ("dns_zones", 0),
            ("dns_queries", 0), ("dns_pending", 0),
        ]
        for (name, count) in rows { result.append([name, String(count)]) }
        return result
    }
}
