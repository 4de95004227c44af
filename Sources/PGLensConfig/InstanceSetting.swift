/// A top-level key of the configuration file (PgBouncer's name, the snake_case of the Swift field).
///
/// Every instance setting can be overridden from the environment by `PGLENS_` followed by the key
/// in upper case: `PGLENS_LISTEN_PORT=7000`, `PGLENS_POOL_MODE=transaction`.
enum InstanceSetting: String, CaseIterable {
    case listenAddr = "listen_addr"
    case listenPort = "listen_port"
    case poolMode = "pool_mode"
    case maxClientConn = "max_client_conn"
    case defaultPoolSize = "default_pool_size"
    case maxDBConnections = "max_db_connections"
    case minPoolSize = "min_pool_size"
    case reservePoolSize = "reserve_pool_size"
    case reservePoolTimeout = "reserve_pool_timeout"
    case maxUserConnections = "max_user_connections"
    case queryWaitTimeout = "query_wait_timeout"
    case serverResetQuery = "server_reset_query"
    case serverConnectTimeout = "server_connect_timeout"
    case serverIdleTimeout = "server_idle_timeout"
    case serverLifetime = "server_lifetime"
    case serverLoginRetry = "server_login_retry"
    case serverCheckDelay = "server_check_delay"
    case serverCheckQuery = "server_check_query"
    case clientLoginTimeout = "client_login_timeout"
    case clientIdleTimeout = "client_idle_timeout"
    case idleTransactionTimeout = "idle_transaction_timeout"
    case queryTimeout = "query_timeout"
    case authType = "auth_type"
    case authAllowPlaintext = "auth_allow_plaintext"
    case maxPacketSize = "max_packet_size"
    case maxPreparedStatements = "max_prepared_statements"
    case sessionStatePolicy = "session_state_policy"
    case workers
    case logLevel = "log_level"
    case clientTLSSSLMode = "client_tls_sslmode"
    case clientTLSCertFile = "client_tls_cert_file"
    case clientTLSKeyFile = "client_tls_key_file"
    case clientTLSCAFile = "client_tls_ca_file"
    case clientTLSProtocols = "client_tls_protocols"
    case clientTLSCiphers = "client_tls_ciphers"
    case serverTLSSSLMode = "server_tls_sslmode"
    case serverTLSCAFile = "server_tls_ca_file"
    case serverTLSCertFile = "server_tls_cert_file"
    case serverTLSKeyFile = "server_tls_key_file"
    case serverTLSProtocols = "server_tls_protocols"
    case serverTLSCiphers = "server_tls_ciphers"
    case analysis
    case captureParameters = "capture_parameters"
    case slowQueryThresholdMs = "slow_query_threshold_ms"
    case slowQueryLogSize = "slow_query_log_size"
    case statsMaxStatements = "stats_max_statements"
    case analysisQueueSize = "analysis_queue_size"
    case nPlusOneMinRepetitions = "n_plus_one_min_repetitions"
    case unitOfWorkGapMs = "unit_of_work_gap_ms"
    case advisor
    case advisorUser = "advisor_user"
    case advisorInterval = "advisor_interval"
    case advisorStatementTimeout = "advisor_statement_timeout"
    case adminHTTPListen = "admin_http_listen"
    case authUser = "auth_user"
    case authQuery = "auth_query"
    case authDBName = "auth_dbname"
    case authQueryCacheTTL = "auth_query_cache_ttl"
    case adminUsers = "admin_users"
    case statsUsers = "stats_users"
    case statsPeriod = "stats_period"

    /// The environment variable that overrides this setting.
    var environmentVariable: String { ConfigurationLoader.environmentPrefix + rawValue.uppercased() }

    /// Checks `value` against the setting's type and stores it.
    func apply(_ value: SettingValue, to configuration: inout Configuration) throws(SettingValue.Mismatch) {
        switch self {
        case .listenAddr: configuration.listenAddr = try value.string()
        case .listenPort: configuration.listenPort = try value.integer()
        case .poolMode: configuration.poolMode = try value.poolMode()
        case .maxClientConn: configuration.maxClientConn = try value.integer()
        case .defaultPoolSize: configuration.defaultPoolSize = try value.integer()
        case .maxDBConnections: configuration.maxDBConnections = try value.integer()
        case .minPoolSize: configuration.minPoolSize = try value.integer()
        case .reservePoolSize: configuration.reservePoolSize = try value.integer()
        case .reservePoolTimeout: configuration.reservePoolTimeout = try value.seconds()
        case .maxUserConnections: configuration.maxUserConnections = try value.integer()
        case .queryWaitTimeout: configuration.queryWaitTimeout = try value.seconds()
        case .serverResetQuery: configuration.serverResetQuery = try value.string()
        case .serverConnectTimeout: configuration.serverConnectTimeout = try value.seconds()
        case .serverIdleTimeout: configuration.serverIdleTimeout = try value.seconds()
        case .serverLifetime: configuration.serverLifetime = try value.seconds()
        case .serverLoginRetry: configuration.serverLoginRetry = try value.seconds()
        case .serverCheckDelay: configuration.serverCheckDelay = try value.seconds()
        case .serverCheckQuery: configuration.serverCheckQuery = try value.string()
        case .clientLoginTimeout: configuration.clientLoginTimeout = try value.seconds()
        case .clientIdleTimeout: configuration.clientIdleTimeout = try value.seconds()
        case .idleTransactionTimeout: configuration.idleTransactionTimeout = try value.seconds()
        case .queryTimeout: configuration.queryTimeout = try value.seconds()
        case .authType: configuration.authType = try value.authMethod()
        case .authAllowPlaintext: configuration.authAllowPlaintext = try value.boolean()
        case .maxPacketSize: configuration.maxPacketSize = try value.integer()
        case .maxPreparedStatements: configuration.maxPreparedStatements = try value.integer()
        case .sessionStatePolicy: configuration.sessionStatePolicy = try value.sessionStatePolicy()
        case .workers: configuration.workers = try value.integer()
        case .logLevel: configuration.logLevel = try value.choice(Configuration.logLevels)
        case .clientTLSSSLMode:
            configuration.clientTLSSSLMode = ClientTLSMode(
                rawValue: try value.choice(ClientTLSMode.allCases.map(\.rawValue)))!
        case .clientTLSCertFile: configuration.clientTLSCertFile = try value.string()
        case .clientTLSKeyFile: configuration.clientTLSKeyFile = try value.string()
        case .clientTLSCAFile: configuration.clientTLSCAFile = try value.string()
        case .clientTLSProtocols:
            configuration.clientTLSProtocols = ClientTLSProtocols(
                rawValue: try value.choice(ClientTLSProtocols.allCases.map(\.rawValue)))!
        case .clientTLSCiphers: configuration.clientTLSCiphers = try value.string()
        case .serverTLSSSLMode:
            configuration.serverTLSSSLMode = ServerTLSMode(
                rawValue: try value.choice(ServerTLSMode.allCases.map(\.rawValue)))!
        case .serverTLSCAFile: configuration.serverTLSCAFile = try value.string()
        case .serverTLSCertFile: configuration.serverTLSCertFile = try value.string()
        case .serverTLSKeyFile: configuration.serverTLSKeyFile = try value.string()
        case .serverTLSProtocols:
            configuration.serverTLSProtocols = ClientTLSProtocols(
                rawValue: try value.choice(ClientTLSProtocols.allCases.map(\.rawValue)))!
        case .serverTLSCiphers: configuration.serverTLSCiphers = try value.string()
        case .analysis: configuration.analysis = try value.boolean()
        case .captureParameters: configuration.captureParameters = try value.boolean()
        case .slowQueryThresholdMs: configuration.slowQueryThresholdMs = try value.number()
        case .slowQueryLogSize: configuration.slowQueryLogSize = try value.integer()
        case .statsMaxStatements: configuration.statsMaxStatements = try value.integer()
        case .analysisQueueSize: configuration.analysisQueueSize = try value.integer()
        case .nPlusOneMinRepetitions: configuration.nPlusOneMinRepetitions = try value.integer()
        case .unitOfWorkGapMs: configuration.unitOfWorkGapMs = try value.number()
        case .advisor: configuration.advisor = try value.boolean()
        case .advisorUser: configuration.advisorUser = try value.string()
        case .advisorInterval: configuration.advisorInterval = try value.seconds()
        case .advisorStatementTimeout: configuration.advisorStatementTimeout = try value.seconds()
        case .adminHTTPListen: configuration.adminHTTPListen = try value.string()
        case .authUser: configuration.authUser = try value.string()
        case .authQuery: configuration.authQuery = try value.string()
        case .authDBName: configuration.authDBName = try value.string()
        case .authQueryCacheTTL: configuration.authQueryCacheTTL = try value.seconds()
        case .adminUsers: configuration.adminUsers = try value.nameList()
        case .statsUsers: configuration.statsUsers = try value.nameList()
        case .statsPeriod: configuration.statsPeriod = try value.seconds()
        }
    }
}
