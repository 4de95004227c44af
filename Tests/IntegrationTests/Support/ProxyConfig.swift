/// The settings a test wants pglens to run with; rendered to the TOML file `pglens serve` reads.
struct ProxyConfig: Sendable {
    /// auth_type trust so that a raw-socket client can log in as `trustuser` without a password exchange,
    /// just as pg_hba lets it directly.
    static var trustLogin: ProxyConfig {
        var config = ProxyConfig()
        config.authType = "trust"
        config.users = ["app": PostgresCluster.appPassword, "trustuser": PostgresCluster.trustPassword]
        return config
    }

    var authType = "scram-sha-256"
    var authAllowPlaintext = false
    var poolMode = "session"
    var maxClientConn = 100
    var defaultPoolSize = 20
    var queryWaitTimeout = 5.0
    /// Client-visible database names; each maps to the same-named database of the test cluster
    /// (`app` always exists).
    var databases = ["app"]
    /// User name → secret as written in the config (plain password, SCRAM verifier or md5 hash).
    var users: [String: String] = ["app": PostgresCluster.appPassword]
    /// `client_tls_*` keys (without the prefix, e.g. `sslmode`, `cert_file`); written only when set.
    var clientTLS: [String: String] = [:]
    /// `server_tls_*` keys (without the prefix, e.g. `sslmode`, `ca_file`); written only when set.
    var serverTLS: [String: String] = [:]
    /// The host name pglens connects to for every database (`localhost` for `verify-full`).
    var serverHost = "127.0.0.1"
    /// Databases served on another port than the test cluster's (client-visible name → port).
    var serverPorts: [String: Int] = [:]
    /// `log_level`; written only when set.
    var logLevel: String?
    /// Whether the HTTP API listens (on a port of its own); off by default, so that each test pglens takes
    /// one port only.
    var httpAPI = false
    /// Further top-level `key = value` lines, written as given.
    var extraLines: [String] = []

    func toml(listenPort: Int, serverPort: Int, httpPort: Int) -> String {
        var lines = [
            "listen_addr = \"127.0.0.1\"",
            "listen_port = \(listenPort)",
            httpAPI ? "admin_http_listen = \"127.0.0.1:\(httpPort)\"" : "admin_http_listen = \"\"",
            "pool_mode = \(quoted(poolMode))",
            "max_client_conn = \(maxClientConn)",
            "default_pool_size = \(defaultPoolSize)",
            "query_wait_timeout = \(queryWaitTimeout)",
            "auth_type = \(quoted(authType))",
            "auth_allow_plaintext = \(authAllowPlaintext)",
        ]
        lines += extraLines
        for (key, value) in clientTLS.sorted(by: { $0.key < $1.key }) {
            lines.append("client_tls_\(key) = \(quoted(value))")
        }
        if let logLevel {
            lines.append("log_level = \(quoted(logLevel))")
        }
        for (key, value) in serverTLS.sorted(by: { $0.key < $1.key }) {
            lines.append("server_tls_\(key) = \(quoted(value))")
        }
        for name in databases.sorted() {
            lines += [
                "", "[databases.\(name)]", "host = \(quoted(serverHost))", "port = \(serverPorts[name] ?? serverPort)",
                "dbname = \(quoted(name))",
            ]
        }
        for (name, secret) in users.sorted(by: { $0.key < $1.key }) {
            lines += ["", "[users.\(name)]", "password = \(quoted(secret))"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
