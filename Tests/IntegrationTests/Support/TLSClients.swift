import Foundation
import Testing

/// Clients for the TLS suites: psql and psycopg with a whole libpq connection string, and the raw
/// socket scripts of `Clients/tls_clients.py`.
enum TLSClients {
    /// psql -X -A -t with `dsn` (sslmode and friends come from it), the password in PGPASSWORD.
    static func psql(
        _ dsn: String, password: String = PostgresCluster.appPassword, _ arguments: [String], timeout: Double = 120
    ) async throws -> CommandResult {
        try await ClientRunner.run(
            "psql", ["-X", "-A", "-t", "-w", "-d", "connect_timeout=10 " + dsn] + arguments,
            environment: ["PGPASSWORD": password, "PGAPPNAME": "pglens-it"], timeout: timeout)
    }

    /// A libpq connection string toward pglens (`proxy`) or, with `nil`, the test cluster directly.
    static func dsn(
        _ proxy: ProxyUnderTest?, cluster: PostgresCluster, host: String = "127.0.0.1", _ words: String
    )
        -> String
    {
        "host=\(host) port=\(proxy?.port ?? cluster.port) dbname=app " + words
    }

    /// Whether the psql session runs over TLS to PostgreSQL, as pg_stat_ssl says: "t" or "f".
    static let sslInUse = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"

    /// psycopg: connects with `dsn`, prints `ssl_in_use` toward its own peer and the server's view.
    static func psycopgSSL(
        _ dsn: String, password: String = PostgresCluster.appPassword
    ) async throws
        -> CommandResult
    {
        let code = """
            import sys, psycopg
            with psycopg.connect(sys.argv[1], password=sys.argv[2]) as conn:
                row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
                print(conn.info.pgconn.ssl_in_use, row[0])
            """
        return try await ClientRunner.run("python3", ["-c", code, "connect_timeout=10 " + dsn, password])
    }

    /// Runs one subcommand of `Clients/tls_clients.py` and parses its JSON.
    static func script(_ arguments: [String], timeout: Double = 60) async throws -> [String: Any] {
        try JSONOutput.object(try await ClientRunner.python("tls_clients.py", arguments, timeout: timeout))
    }
}
