import PGLensConfig
import Testing

/// The transaction-pooling keys and the client time limits: defaults, parsing, per-database values,
/// environment overrides and validation.
@Suite struct TransactionPoolingConfigurationTests {
    static let minimal = ConfigurationLoaderTests.minimal

    @Test func defaults() throws {
        let configuration = try ConfigurationLoaderTests.parse(Self.minimal)
        #expect(configuration.maxPreparedStatements == 200)
        #expect(configuration.sessionStatePolicy == .pin)
        #expect(configuration.clientIdleTimeout == 0)
        #expect(configuration.idleTransactionTimeout == 0)
        #expect(configuration.queryTimeout == 0)
    }

    @Test func keysAreReadAndDatabasesMaySetTheirOwnPolicy() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            """
            pool_mode = "transaction"
            max_prepared_statements = 50
            session_state_policy = "warn"
            client_idle_timeout = 300
            idle_transaction_timeout = 2.5
            query_timeout = 30
            [databases.app]
            [databases.strict]
            session_state_policy = "error"
            [databases]
            lenient = "host=10.0.0.1 session_state_policy=pin"
            [users.app]
            password = "pw"
            """)
        #expect(configuration.maxPreparedStatements == 50)
        #expect(configuration.clientIdleTimeout == 300)
        #expect(configuration.idleTransactionTimeout == 2.5)
        #expect(configuration.queryTimeout == 30)
        let app = try #require(configuration.databases["app"])
        let strict = try #require(configuration.databases["strict"])
        let lenient = try #require(configuration.databases["lenient"])
        #expect(configuration.sessionStatePolicy(for: app) == .warn)
        #expect(configuration.sessionStatePolicy(for: strict) == .error)
        #expect(configuration.sessionStatePolicy(for: lenient) == .pin)
    }

    @Test func environmentOverrides() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            Self.minimal,
            environment: ["PGLENS_SESSION_STATE_POLICY": "error", "PGLENS_QUERY_TIMEOUT": "5"])
        #expect(configuration.sessionStatePolicy == .error)
        #expect(configuration.queryTimeout == 5)
    }

    @Test func badValuesAreReportedWithTheirKey() {
        let problems = ConfigurationLoaderTests.problems(
            """
            max_prepared_statements = 0
            session_state_policy = "ignore"
            query_timeout = -1
            """ + "\n" + Self.minimal)
        #expect(Set(problems.map(\.key)) == ["max_prepared_statements", "session_state_policy", "query_timeout"])
        #expect(problems.first { $0.key == "session_state_policy" }?.line == 2)
    }
}
