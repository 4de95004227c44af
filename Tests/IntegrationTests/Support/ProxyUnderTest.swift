import Foundation

/// The one place that decides what "through the proxy" means: a pglens process, or, with
/// `PGLENS_IT_DIRECT` set, the PostgreSQL cluster itself (to develop and check the harness).
struct ProxyUnderTest: Sendable {
    let cluster: PostgresCluster
    let port: Int
    let process: PGLensProcess?

    static var isDirect: Bool { ProcessInfo.processInfo.environment["PGLENS_IT_DIRECT"] != nil }

    static func start(_ config: ProxyConfig = ProxyConfig()) async throws -> ProxyUnderTest {
        let cluster = try await PostgresCluster.shared()
        if isDirect { return ProxyUnderTest(cluster: cluster, port: cluster.port, process: nil) }
        let process = try await PGLensProcess.start(config, serverPort: cluster.port)
        return ProxyUnderTest(cluster: cluster, port: process.port, process: process)
    }

    /// Stops pglens (if any) and returns its log.
    @discardableResult
    func stop() -> String {
        process?.stop() ?? ""
    }

    /// Runs `body` with a started proxy and always stops it; hands the log to `afterStop`.
    static func with<T>(
        _ config: ProxyConfig = ProxyConfig(), afterStop: (String) -> Void = { _ in },
        _ body: (ProxyUnderTest) async throws -> T
    ) async throws -> T {
        let proxy = try await start(config)
        do {
            let value = try await body(proxy)
            afterStop(proxy.stop())
            return value
        } catch {
            afterStop(proxy.stop())
            throw error
        }
    }

    func dsn(
        user: String = "app", password: String? = PostgresCluster.appPassword, database: String = "app"
    )
        -> String
    {
        Self.dsn(port: port, user: user, password: password, database: database)
    }

    static func dsn(port: Int, user: String, password: String?, database: String = "app") -> String {
        var parts = [
            "host=127.0.0.1", "port=\(port)", "user=\(user)", "dbname=\(database)", "sslmode=disable",
            "connect_timeout=10",
        ]
        if let password { parts.append("password='\(password)'") }
        return parts.joined(separator: " ")
    }
}
