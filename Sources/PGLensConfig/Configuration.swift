/// Everything pglens is told to do: instance settings, databases and users.
///
/// Key names follow PgBouncer's where it has one. Times are in seconds.
public struct Configuration: Sendable, Equatable {
    public var listenAddr: String = "127.0.0.1"
    public var listenPort: Int = 6432
    public var poolMode: PoolMode = .session
    /// Clients connected at once, across all pools; the next one is refused (53300).
    public var maxClientConn: Int = 100
    public var defaultPoolSize: Int = 20
    /// Server connections each pool keeps open once it exists, even without clients; a database may set its
    /// own. Capped by the pool size.
    public var minPoolSize: Int = 0
    /// Extra server connections a pool may open when a client has waited `reservePoolTimeout`; a database
    /// may set its own. 0 disables the reserve.
    public var reservePoolSize: Int = 0
    /// How long a client waits before its pool may use the reserve.
    public var reservePoolTimeout: Double = 5
    /// Server connections per user across all databases; a user may set its own. 0 means no cap.
    public var maxUserConnections: Int = 0
    /// Server connections per database across users; 0 means no cap.
    public var maxDBConnections: Int = 0
    /// How long a client waits in the queue for a server connection before it gets 53300; 0 waits forever.
    public var queryWaitTimeout: Double = 120
    /// Run on a server connection before another client gets it; empty means none.
    public var serverResetQuery: String = "DISCARD ALL"
    public var serverConnectTimeout: Double = 15
    /// An idle server connection unused this long is closed (down to `minPoolSize`); 0 never.
    public var serverIdleTimeout: Double = 600
    /// A server connection open this long is closed when released instead of pooled; 0 uses each one once.
    public var serverLifetime: Double = 3600
    /// After a failed server connect or login, no new attempt for that pool before this has passed; clients
    /// of a pool with no connection are told the failure at once meanwhile.
    public var serverLoginRetry: Double = 15
    /// A pooled server connection unused for longer than this is checked with `serverCheckQuery` before a
    /// client gets it; 0 checks every time.
    public var serverCheckDelay: Double = 30
    /// The query that checks a server connection; empty disables the check.
    public var serverCheckQuery: String = "select 1"
    /// How long a client may take to log in before it is disconnected.
    public var clientLoginTimeout: Double = 60
    /// A logged-in client that sends nothing for this long is disconnected; 0 never.
    public var clientIdleTimeout: Double = 0
    /// A client that stays inside a transaction block without sending anything for this long is
    /// disconnected (its transaction rolled back); 0 never.
    public var idleTransactionTimeout: Double = 0
    /// A request the server has not answered after this long is cancelled on the server, and the client
    /// gets an error; 0 never.
    public var queryTimeout: Double = 0
    public var authType: ClientAuthMethod = .scramSHA256
    /// Allow `auth_type = password` over a connection that is not encrypted.
    public var authAllowPlaintext: Bool = false
    /// The longest message a client may send, header included, in bytes.
    public var maxPacketSize: Int = 1_073_741_823
    /// Under transaction pooling, the prepared statements each server connection keeps, least recently
    /// used closed first.
    public var maxPreparedStatements: Int = 200
    /// Under transaction pooling, what to do with statements that leave session state on a server
    /// connection; a database may set its own.
    public var sessionStatePolicy: SessionStatePolicy = .pin
    /// Event-loop threads; 0 means one per core.
    public var workers: Int = 0
    public var logLevel: String = "info"
    /// Whether TLS is offered to clients and whether it is required.
    public var clientTLSSSLMode: ClientTLSMode = .disable
    /// PEM file with the certificate (and intermediates) pglens presents to clients.
    public var clientTLSCertFile: String = ""
    /// PEM file with the private key of `clientTLSCertFile`.
    public var clientTLSKeyFile: String = ""
    /// PEM file with the CAs trusted to sign client certificates; when set, client certificates are
    /// requested and verified if presented. Empty: none are requested.
    public var clientTLSCAFile: String = ""
    /// The lowest TLS version accepted from clients.
    public var clientTLSProtocols: ClientTLSProtocols = .tls12
    /// An OpenSSL cipher list for TLS 1.2; `default` keeps OpenSSL's default.
    public var clientTLSCiphers: String = "default"
    /// Whether pglens encrypts its server connections and how it checks the server's certificate.
    public var serverTLSSSLMode: ServerTLSMode = .prefer
    /// PEM file with the CAs trusted to sign the server's certificate (`verify-ca`, `verify-full`).
    /// Empty: the system's trust store.
    public var serverTLSCAFile: String = ""
    /// PEM file with the certificate pglens presents to PostgreSQL (for `cert` authentication or
    /// `clientcert`); empty: none.
    public var serverTLSCertFile: String = ""
    /// PEM file with the private key of `serverTLSCertFile`.
    public var serverTLSKeyFile: String = ""
    /// The lowest TLS version pglens accepts from servers (the same words as `client_tls_protocols`).
    public var serverTLSProtocols: ClientTLSProtocols = .tls12
    /// An OpenSSL cipher list for TLS 1.2 toward servers; `default` keeps OpenSSL's default.
    public var serverTLSCiphers: String = "default"
    /// Whether every statement is timed and fingerprinted for the statistics, the slow log and the report.
    public var analysis: Bool = true
    /// Whether example parameter values may appear in reports (cut to 200 bytes each).
    public var captureParameters: Bool = false
    /// An execution slower than this, in milliseconds, is kept in the slow log; a database may set its own.
    public var slowQueryThresholdMs: Double = 100
    /// Slow executions kept in the slow log's ring, newest replacing oldest.
    public var slowQueryLogSize: Int = 1000
    /// Normalized statements kept in the statistics, least recently used evicted first.
    public var statsMaxStatements: Int = 5000
    /// Statement events waiting for the analysis; when it is full, events are dropped and counted.
    public var analysisQueueSize: Int = 65536
    /// The fewest executions of one statement with different values in one unit of work that make an N+1
    /// (or an insert loop): 5, as Sentry's detector.
    public var nPlusOneMinRepetitions: Int = 5
    /// An idle gap on a client connection longer than this, in milliseconds, ends its unit of work (a web
    /// request): the statements of one request follow each other within a few milliseconds, two requests on
    /// a kept connection are further apart.
    public var unitOfWorkGapMs: Double = 500
    /// Whether pglens opens a side connection per database (one at a time, read-only, `pglens-advisor`)
    /// to read the catalog and the plans of measured statements for index advice; a database may set its
    /// own. Off by default: it uses a server connection outside the pools.
    public var advisor: Bool = false
    /// The role the advisor logs in as (needs a `[users.NAME]` entry with its password); empty: the
    /// database's `user`, else the user that spent the most time in that database.
    public var advisorUser: String = ""
    /// Seconds between two advisor runs in a database (catalog refresh, plans of new candidates).
    public var advisorInterval: Double = 300
    /// `statement_timeout` of the advisor's statements, in seconds (its `lock_timeout` is at most 1 s).
    public var advisorStatementTimeout: Double = 5
    /// `host:port` of the HTTP API (report, statements, health); empty turns it off.
    public var adminHTTPListen: String = "127.0.0.1:9930"
    /// A user that pglens logs in as to look up the secrets of users not in `[users]` with `auth_query`;
    /// empty: no lookup, unknown users are refused. A database may set its own.
    public var authUser: String = ""
    /// The query that looks up a user's secret: `$1` is the user name; the first row's second column is
    /// the secret (a SCRAM verifier, an md5 hash or a password), NULL or no row refuses the user.
    public var authQuery: String = Configuration.defaultAuthQuery
    /// The database `auth_query` runs in; empty: the database the client asked for.
    public var authDBName: String = ""
    /// How long a looked-up secret (or the answer that there is none) is kept before it is looked up again.
    public var authQueryCacheTTL: Double = 60
    /// Users who may run every command of the admin console (the virtual database `pglens`).
    public var adminUsers: [String] = []
    /// Users who may run the admin console's SHOW commands.
    public var statsUsers: [String] = []
    /// The period over which SHOW STATS averages are computed, in seconds.
    public var statsPeriod: Double = 60
    public var databases: [String: DatabaseConfiguration] = [:]
    public var users: [String: UserConfiguration] = [:]

    public init() {}

    /// PgBouncer's default `auth_query`: the role's stored secret, NULL once `rolvaliduntil` has passed.
    public static let defaultAuthQuery =
        "SELECT rolname, CASE WHEN rolvaliduntil < now() THEN NULL ELSE rolpassword END "
        + "FROM pg_authid WHERE rolname = $1 AND rolcanlogin"

    /// The `auth_user` in force for a database (its own, else the instance's); nil when there is none.
    public func authUser(for database: DatabaseConfiguration) -> String? {
        let user = database.authUser ?? authUser
        return user.isEmpty ? nil : user
    }

    /// The pool size for a database: its own `pool_size`, else `default_pool_size`.
    public func poolSize(for database: DatabaseConfiguration) -> Int {
        database.poolSize ?? defaultPoolSize
    }

    /// The connections kept open for a database's pools: its own `min_pool_size`, else the instance's.
    public func minPoolSize(for database: DatabaseConfiguration) -> Int {
        database.minPoolSize ?? minPoolSize
    }

    /// The reserve of a database's pools: its own `reserve_pool_size`, else the instance's.
    public func reservePoolSize(for database: DatabaseConfiguration) -> Int {
        database.reservePoolSize ?? reservePoolSize
    }

    /// The cap on a user's server connections: its own `max_user_connections`, else the instance's.
    public func maxUserConnections(for user: UserConfiguration?) -> Int {
        user?.maxUserConnections ?? maxUserConnections
    }

    /// The session-state policy in force for a database: its own, else the instance's.
    public func sessionStatePolicy(for database: DatabaseConfiguration) -> SessionStatePolicy {
        database.sessionStatePolicy ?? sessionStatePolicy
    }

    /// The slow-query threshold for a database, in milliseconds: its own, else the instance's.
    public func slowQueryThresholdMs(for database: DatabaseConfiguration) -> Double {
        database.slowQueryThresholdMs ?? slowQueryThresholdMs
    }

    /// Whether the index advisor works in a database: its own `advisor`, else the instance's.
    public func advisor(for database: DatabaseConfiguration) -> Bool {
        database.advisor ?? advisor
    }

    /// The pool mode in force for a database and user: the user's, else the database's, else the instance's.
    public func poolMode(database: DatabaseConfiguration, user: UserConfiguration?) -> PoolMode {
        user?.poolMode ?? database.poolMode ?? poolMode
    }
}

extension Configuration: CustomStringConvertible, CustomDebugStringConvertible {
    /// A summary safe to log: passwords and secrets are replaced by placeholders.
    public var description: String {
        let databaseList = databases.keys.sorted().map { databases[$0]!.description }.joined(separator: ", ")
        let userList = users.keys.sorted().map { users[$0]!.description }.joined(separator: ", ")
        let tls: String =
            "client_tls_sslmode: \(clientTLSSSLMode.rawValue), "
            + "client_tls_cert_file: \(clientTLSCertFile.debugDescription), "
            + "client_tls_key_file: \(clientTLSKeyFile.debugDescription), "
            + "client_tls_ca_file: \(clientTLSCAFile.debugDescription), "
            + "client_tls_protocols: \(clientTLSProtocols.rawValue), "
            + "client_tls_ciphers: \(clientTLSCiphers.debugDescription), "
            + "server_tls_sslmode: \(serverTLSSSLMode.rawValue), "
            + "server_tls_ca_file: \(serverTLSCAFile.debugDescription), "
            + "server_tls_cert_file: \(serverTLSCertFile.debugDescription), "
            + "server_tls_key_file: \(serverTLSKeyFile.debugDescription), "
            + "server_tls_protocols: \(serverTLSProtocols.rawValue), "
            + "server_tls_ciphers: \(serverTLSCiphers.debugDescription), "
        let head: String =
            "Configuration(listen: \(listenAddr):\(listenPort), pool_mode: \(poolMode.rawValue), "
            + "max_client_conn: \(maxClientConn), default_pool_size: \(defaultPoolSize), "
            + "max_db_connections: \(maxDBConnections), query_wait_timeout: \(queryWaitTimeout), "
            + "min_pool_size: \(minPoolSize), reserve_pool_size: \(reservePoolSize), "
            + "reserve_pool_timeout: \(reservePoolTimeout), max_user_connections: \(maxUserConnections), "
            + "server_reset_query: \(serverResetQuery.debugDescription), "
        let middle: String =
            "server_connect_timeout: \(serverConnectTimeout), client_login_timeout: \(clientLoginTimeout), "
            + "server_idle_timeout: \(serverIdleTimeout), server_lifetime: \(serverLifetime), "
            + "server_login_retry: \(serverLoginRetry), server_check_delay: \(serverCheckDelay), "
            + "server_check_query: \(serverCheckQuery.debugDescription), "
            + "client_idle_timeout: \(clientIdleTimeout), idle_transaction_timeout: \(idleTransactionTimeout), "
            + "query_timeout: \(queryTimeout), "
            + "auth_type: \(authType.rawValue), auth_allow_plaintext: \(authAllowPlaintext), "
            + "max_packet_size: \(maxPacketSize), max_prepared_statements: \(maxPreparedStatements), "
            + "session_state_policy: \(sessionStatePolicy.rawValue), workers: \(workers), log_level: \(logLevel), "
        let analysisPart: String =
            "analysis: \(analysis), capture_parameters: \(captureParameters), "
            + "slow_query_threshold_ms: \(slowQueryThresholdMs), slow_query_log_size: \(slowQueryLogSize), "
            + "stats_max_statements: \(statsMaxStatements), analysis_queue_size: \(analysisQueueSize), "
            + "n_plus_one_min_repetitions: \(nPlusOneMinRepetitions), unit_of_work_gap_ms: \(unitOfWorkGapMs), "
            + "advisor: \(advisor), advisor_user: \(advisorUser.debugDescription), "
            + "advisor_interval: \(advisorInterval), advisor_statement_timeout: \(advisorStatementTimeout), "
            + "admin_http_listen: \(adminHTTPListen.debugDescription), "
            + "auth_user: \(authUser.debugDescription), auth_query: \(authQuery.debugDescription), "
            + "auth_dbname: \(authDBName.debugDescription), auth_query_cache_ttl: \(authQueryCacheTTL), "
            + "admin_users: \(adminUsers), stats_users: \(statsUsers), stats_period: \(statsPeriod), "
        return head + middle + analysisPart + tls + "databases: [\(databaseList)], users: [\(userList)])"
    }

    /// The same as `description`: never shows a password.
    public var debugDescription: String { description }
}

extension Configuration: CustomReflectable {
    /// Mirrors the settings with databases and users shown through their redacting descriptions,
    /// so that `dump(_:)` does not print passwords either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "listenAddr": listenAddr, "listenPort": listenPort, "poolMode": poolMode,
                "maxClientConn": maxClientConn, "defaultPoolSize": defaultPoolSize,
                "maxDBConnections": maxDBConnections, "queryWaitTimeout": queryWaitTimeout,
                "minPoolSize": minPoolSize, "reservePoolSize": reservePoolSize,
                "reservePoolTimeout": reservePoolTimeout, "maxUserConnections": maxUserConnections,
                "serverIdleTimeout": serverIdleTimeout, "serverLifetime": serverLifetime,
                "serverLoginRetry": serverLoginRetry, "serverCheckDelay": serverCheckDelay,
                "serverCheckQuery": serverCheckQuery,
                "serverResetQuery": serverResetQuery, "serverConnectTimeout": serverConnectTimeout,
                "clientLoginTimeout": clientLoginTimeout, "clientIdleTimeout": clientIdleTimeout,
                "idleTransactionTimeout": idleTransactionTimeout, "queryTimeout": queryTimeout, "authType": authType,
                "authAllowPlaintext": authAllowPlaintext, "maxPacketSize": maxPacketSize,
                "maxPreparedStatements": maxPreparedStatements, "sessionStatePolicy": sessionStatePolicy,
                "workers": workers,
                "logLevel": logLevel, "clientTLSSSLMode": clientTLSSSLMode, "clientTLSCertFile": clientTLSCertFile,
                "clientTLSKeyFile": clientTLSKeyFile, "clientTLSCAFile": clientTLSCAFile,
                "clientTLSProtocols": clientTLSProtocols, "clientTLSCiphers": clientTLSCiphers,
                "serverTLSSSLMode": serverTLSSSLMode, "serverTLSCAFile": serverTLSCAFile,
                "serverTLSCertFile": serverTLSCertFile, "serverTLSKeyFile": serverTLSKeyFile,
                "serverTLSProtocols": serverTLSProtocols, "serverTLSCiphers": serverTLSCiphers,
                "analysis": analysis, "captureParameters": captureParameters,
                "slowQueryThresholdMs": slowQueryThresholdMs, "slowQueryLogSize": slowQueryLogSize,
                "statsMaxStatements": statsMaxStatements, "analysisQueueSize": analysisQueueSize,
                "nPlusOneMinRepetitions": nPlusOneMinRepetitions, "unitOfWorkGapMs": unitOfWorkGapMs,
                "advisor": advisor, "advisorUser": advisorUser, "advisorInterval": advisorInterval,
                "advisorStatementTimeout": advisorStatementTimeout,
                "adminHTTPListen": adminHTTPListen, "authUser": authUser, "authQuery": authQuery,
                "authDBName": authDBName, "authQueryCacheTTL": authQueryCacheTTL,
                "adminUsers": adminUsers, "statsUsers": statsUsers, "statsPeriod": statsPeriod,
                "databases": databases, "users": users,
            ],
            displayStyle: .struct)
    }
}
