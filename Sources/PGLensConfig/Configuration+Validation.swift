extension Configuration {
    /// The values `log_level` accepts, from most to least verbose.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// The names of the admin console's virtual database; no configured database may take them.
    public static let adminConsoleDatabaseNames: Set<String> = ["pglens", "pgbouncer"]

    /// The smallest `max_packet_size` accepted, in bytes.
    public static let minimumMaxPacketSize = 1024

    /// Checks the values against each other and their ranges; empty when the configuration is usable.
    ///
    /// Keys are the file's dotted paths (`listen_port`, `databases.app.port`); problems carry no
    /// line (the loader adds it) and never contain a password.
    public func validate() -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        func check(_ condition: Bool, _ key: String, _ message: String) {
            if !condition {
                problems.append(ConfigurationProblem(key: key, message: message))
            }
        }

        check(!listenAddr.trimmingWhitespace.isEmpty, "listen_addr", "must not be empty")
        check((0...65535).contains(listenPort), "listen_port", "must be between 0 (any free port) and 65535")
        check(maxClientConn >= 1, "max_client_conn", "must be at least 1")
        check(defaultPoolSize >= 1, "default_pool_size", "must be at least 1")
        check(maxDBConnections >= 0, "max_db_connections", "must be 0 (no cap) or more")
        check(minPoolSize >= 0, "min_pool_size", "must be 0 or more")
        check(reservePoolSize >= 0, "reserve_pool_size", "must be 0 (no reserve) or more")
        check(maxUserConnections >= 0, "max_user_connections", "must be 0 (no cap) or more")
        for (key, seconds) in [
            ("query_wait_timeout", queryWaitTimeout), ("server_connect_timeout", serverConnectTimeout),
            ("client_login_timeout", clientLoginTimeout), ("client_idle_timeout", clientIdleTimeout),
            ("idle_transaction_timeout", idleTransactionTimeout), ("query_timeout", queryTimeout),
            ("reserve_pool_timeout", reservePoolTimeout), ("server_idle_timeout", serverIdleTimeout),
            ("server_lifetime", serverLifetime), ("server_login_retry", serverLoginRetry),
            ("server_check_delay", serverCheckDelay),
        ] {
            check(seconds.isFinite && seconds >= 0, key, "must be a number of seconds, 0 or more")
        }
        check(
            maxPacketSize >= Self.minimumMaxPacketSize, "max_packet_size",
            "must be at least \(Self.minimumMaxPacketSize) bytes")
        check(workers >= 0, "workers", "must be 0 (one per core) or more")
        check(maxPreparedStatements >= 1, "max_prepared_statements", "must be at least 1")
        check(
            Self.logLevels.contains(logLevel), "log_level",
            "must be one of " + Self.logLevels.joined(separator: ", "))
        check(
            authType != .password || authAllowPlaintext || clientTLSSSLMode == .require, "auth_type",
            "cleartext passwords over plain TCP are refused unless auth_allow_plaintext = true"
                + " or client_tls_sslmode = require")
        let hasCert = !clientTLSCertFile.trimmingWhitespace.isEmpty
        let hasKey = !clientTLSKeyFile.trimmingWhitespace.isEmpty
        check(
            clientTLSSSLMode == .disable || (hasCert && hasKey), "client_tls_sslmode",
            "needs client_tls_cert_file and client_tls_key_file unless it is disable")
        check(hasCert || !hasKey, "client_tls_cert_file", "must be set when client_tls_key_file is")
        check(hasKey || !hasCert, "client_tls_key_file", "must be set when client_tls_cert_file is")
        check(!clientTLSCiphers.trimmingWhitespace.isEmpty, "client_tls_ciphers", "must not be empty")
        let hasServerCert = !serverTLSCertFile.trimmingWhitespace.isEmpty
        let hasServerKey = !serverTLSKeyFile.trimmingWhitespace.isEmpty
        check(hasServerCert || !hasServerKey, "server_tls_cert_file", "must be set when server_tls_key_file is")
        check(hasServerKey || !hasServerCert, "server_tls_key_file", "must be set when server_tls_cert_file is")
        check(!serverTLSCiphers.trimmingWhitespace.isEmpty, "server_tls_ciphers", "must not be empty")

        check(
            slowQueryThresholdMs.isFinite && slowQueryThresholdMs >= 0, "slow_query_threshold_ms",
            "must be a number of milliseconds, 0 or more")
        check(slowQueryLogSize >= 1, "slow_query_log_size", "must be at least 1")
        check(statsMaxStatements >= 1, "stats_max_statements", "must be at least 1")
        check(analysisQueueSize >= 1, "analysis_queue_size", "must be at least 1")
        check(nPlusOneMinRepetitions >= 2, "n_plus_one_min_repetitions", "must be at least 2")
        check(
            unitOfWorkGapMs.isFinite && unitOfWorkGapMs > 0, "unit_of_work_gap_ms",
            "must be a number of milliseconds above 0")
        check(
            advisorInterval.isFinite && advisorInterval >= 1, "advisor_interval", "must be at least 1 second")
        check(
            advisorStatementTimeout.isFinite && advisorStatementTimeout > 0, "advisor_statement_timeout",
            "must be a number of seconds above 0")
        check(
            advisorUser.isEmpty || users[advisorUser]?.secret != nil || authType == .trust, "advisor_user",
            "needs a [users.\(advisorUser)] entry with the password pglens logs in with")
        check(
            adminHTTPListen.trimmingWhitespace.isEmpty || ListenAddress(parsing: adminHTTPListen) != nil,
            "admin_http_listen", "must be host:port (for example 127.0.0.1:9930), or empty to turn the API off")

        func checkAuthUser(_ user: String, _ key: String) {
            check(
                user.isEmpty || users[user]?.secret != nil || authType == .trust, key,
                "needs a [users.\(user)] entry with the password pglens logs in with")
        }
        checkAuthUser(authUser, "auth_user")
        check(authQuery.contains("$1"), "auth_query", "must use $1 for the user name")
        check(
            authQueryCacheTTL.isFinite && authQueryCacheTTL >= 0, "auth_query_cache_ttl",
            "must be a number of seconds, 0 or more")
        if !authDBName.isEmpty {
            check(databases[authDBName] != nil, "auth_dbname", "must name a configured database")
        }

        check(!databases.isEmpty, "databases", "at least one database must be configured")
        for (name, database) in databases.sorted(by: { $0.key < $1.key }) {
            let path = "databases.\(name)"
            check(!name.isEmpty, path, "a database needs a non-empty name")
            check(
                !Self.adminConsoleDatabaseNames.contains(name), path,
                "is the name of the admin console's virtual database; choose another")
            check(database.name == name, "\(path).name", "does not match the table's name")
            check(!database.host.trimmingWhitespace.isEmpty, "\(path).host", "must not be empty")
            check((1...65535).contains(database.port), "\(path).port", "must be between 1 and 65535")
            check(!database.dbname.isEmpty || name.isEmpty, "\(path).dbname", "must not be empty")
            if let poolSize = database.poolSize {
                check(poolSize >= 1, "\(path).pool_size", "must be at least 1")
            }
            if let cap = database.maxDBConnections {
                check(cap >= 0, "\(path).max_db_connections", "must be 0 (no cap) or more")
            }
            if let threshold = database.slowQueryThresholdMs {
                check(
                    threshold.isFinite && threshold >= 0, "\(path).slow_query_threshold_ms",
                    "must be a number of milliseconds, 0 or more")
            }
            if let user = database.authUser { checkAuthUser(user, "\(path).auth_user") }
            if let minimum = database.minPoolSize {
                check(minimum >= 0, "\(path).min_pool_size", "must be 0 or more")
            }
            if let reserve = database.reservePoolSize {
                check(reserve >= 0, "\(path).reserve_pool_size", "must be 0 (no reserve) or more")
            }
            if let forceUser = database.forceUser {
                check(!forceUser.isEmpty, "\(path).user", "must not be empty")
                check(
                    forceUser.isEmpty || database.password != nil || users[forceUser] != nil, "\(path).user",
                    "needs a password in this table or a [users.\(forceUser)] entry")
            }
        }

        check(statsPeriod.isFinite && statsPeriod >= 1, "stats_period", "must be at least 1 second")
        for (key, names) in [("admin_users", adminUsers), ("stats_users", statsUsers)] {
            for name in names {
                check(
                    !name.contains(where: \.isWhitespace), key,
                    "user names must not contain spaces (separate them with commas)")
                check(
                    authType == .trust || users[name] != nil, key,
                    "names \(name.debugDescription), which has no [users.\(name)] entry to log in with")
            }
        }

        for (name, user) in users.sorted(by: { $0.key < $1.key }) {
            let path = "users.\(name)"
            check(!name.isEmpty, path, "a user needs a non-empty name")
            check(user.name == name, "\(path).name", "does not match the table's name")
            if let cap = user.maxUserConnections {
                check(cap >= 0, "\(path).max_user_connections", "must be 0 (no cap) or more")
            }
            check(
                authType == .trust || user.secret != nil, "\(path).password",
                "is required unless auth_type = trust")
        }
        return problems
    }
}
