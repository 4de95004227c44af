import PGLensConfig
import Testing

/// The pool-limit and server-lifetime keys: PgBouncer's defaults, parsing, per-database and per-user values,
/// environment overrides, validation and the redacting description.
@Suite struct PoolLimitsConfigurationTests {
    static let minimal = ConfigurationLoaderTests.minimal

    @Test func defaultsArePgBouncers() throws {
        let configuration = try ConfigurationLoaderTests.parse(Self.minimal)
        #expect(configuration.minPoolSize == 0)
        #expect(configuration.reservePoolSize == 0)
        #expect(configuration.reservePoolTimeout == 5)
        #expect(configuration.maxUserConnections == 0)
        #expect(configuration.serverIdleTimeout == 600)
        #expect(configuration.serverLifetime == 3600)
        #expect(configuration.serverLoginRetry == 15)
        #expect(configuration.serverCheckDelay == 30)
        #expect(configuration.serverCheckQuery == "select 1")
    }

    @Test func keysAreReadAndDatabasesAndUsersMaySetTheirOwn() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            """
            min_pool_size = 2
            reserve_pool_size = 3
            reserve_pool_timeout = 0.5
            max_user_connections = 40
            server_idle_timeout = 60
            server_lifetime = 1800.5
            server_login_retry = 1
            server_check_delay = 0
            server_check_query = ""
            [databases.app]
            min_pool_size = 4
            reserve_pool_size = 1
            [databases.other]
            [databases]
            legacy = "host=10.0.0.1 reserve_pool=7 min_pool_size=0"
            [users.app]
            password = "pw"
            max_user_connections = 5
            [users.reporting]
            password = "pw"
            """)
        #expect(configuration.reservePoolTimeout == 0.5)
        #expect(configuration.serverIdleTimeout == 60)
        #expect(configuration.serverLifetime == 1800.5)
        #expect(configuration.serverLoginRetry == 1)
        #expect(configuration.serverCheckDelay == 0)
        #expect(configuration.serverCheckQuery == "")
        let app = try #require(configuration.databases["app"])
        let other = try #require(configuration.databases["other"])
        let legacy = try #require(configuration.databases["legacy"])
        #expect(configuration.minPoolSize(for: app) == 4)
        #expect(configuration.minPoolSize(for: other) == 2)
        #expect(configuration.minPoolSize(for: legacy) == 0)
        #expect(configuration.reservePoolSize(for: app) == 1)
        #expect(configuration.reservePoolSize(for: other) == 3)
        #expect(configuration.reservePoolSize(for: legacy) == 7)
        #expect(configuration.maxUserConnections(for: configuration.users["app"]) == 5)
        #expect(configuration.maxUserConnections(for: configuration.users["reporting"]) == 40)
        #expect(configuration.maxUserConnections(for: nil) == 40)
        #expect(configuration.description.contains("server_lifetime: 1800.5"))
        #expect(configuration.description.contains("max_user_connections: 5"))
        #expect(!configuration.description.contains("\"pw\""))
    }

    @Test func environmentOverrides() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            Self.minimal,
            environment: [
                "PGLENS_SERVER_LIFETIME": "10", "PGLENS_MIN_POOL_SIZE": "3", "PGLENS_SERVER_CHECK_QUERY": "select 2",
            ])
        #expect(configuration.serverLifetime == 10)
        #expect(configuration.minPoolSize == 3)
        #expect(configuration.serverCheckQuery == "select 2")
    }

    @Test func badValuesAreReportedWithTheirKey() {
        let problems = ConfigurationLoaderTests.problems(
            """
            min_pool_size = -1
            reserve_pool_size = -2
            server_idle_timeout = -1
            server_lifetime = "long"
            max_user_connections = -3
            [databases.app]
            min_pool_size = -1
            reserve_pool_size = -1
            [users.app]
            password = "pw"
            max_user_connections = -1
            """)
        #expect(
            Set(problems.map(\.key)) == [
                "min_pool_size", "reserve_pool_size", "server_idle_timeout", "server_lifetime", "max_user_connections",
                "databases.app.min_pool_size", "databases.app.reserve_pool_size", "users.app.max_user_connections",
            ])
        #expect(problems.first { $0.key == "server_lifetime" }?.line == 4)
    }
}
