import PGLensConfig
import Testing

/// `PGLENS_<KEY>` environment variables override the file's top-level keys.
@Suite struct EnvironmentOverrideTests {
    static let file = """
        listen_port = 6000
        pool_mode = "session"
        [databases.app]
        [users.app]
        password = "pw"
        """

    @Test func overridesWinOverTheFile() throws {
        let configuration = try ConfigurationLoader.parse(
            toml: Self.file,
            environment: [
                "PGLENS_LISTEN_PORT": "7000", "PGLENS_POOL_MODE": "transaction", "PGLENS_LISTEN_ADDR": "::",
                "PGLENS_QUERY_WAIT_TIMEOUT": "1.5", "PGLENS_CLIENT_LOGIN_TIMEOUT": "5",
                "PGLENS_AUTH_ALLOW_PLAINTEXT": "yes", "PGLENS_AUTH_TYPE": "md5", "PGLENS_LOG_LEVEL": "warning",
                "PGLENS_SERVER_RESET_QUERY": "", "PGLENS_WORKERS": " 2 ", "PGLENS_MAX_PACKET_SIZE": "4096",
                "PGLENS_MAX_CLIENT_CONN": "9", "PGLENS_DEFAULT_POOL_SIZE": "3", "PGLENS_MAX_DB_CONNECTIONS": "12",
                "PGLENS_SERVER_CONNECT_TIMEOUT": "0",
            ],
            source: "test.toml")
        #expect(configuration.listenPort == 7000)
        #expect(configuration.poolMode == .transaction)
        #expect(configuration.listenAddr == "::")
        #expect(configuration.queryWaitTimeout == 1.5)
        #expect(configuration.clientLoginTimeout == 5)
        #expect(configuration.authAllowPlaintext)
        #expect(configuration.authType == .md5)
        #expect(configuration.logLevel == "warning")
        #expect(configuration.serverResetQuery == "")
        #expect(configuration.workers == 2)
        #expect(configuration.maxPacketSize == 4096)
        #expect(configuration.maxClientConn == 9)
        #expect(configuration.defaultPoolSize == 3)
        #expect(configuration.maxDBConnections == 12)
        #expect(configuration.serverConnectTimeout == 0)
    }

    @Test func variableNamesFollowTheRule() {
        #expect(ConfigurationLoader.environmentVariable(for: "listen_port") == "PGLENS_LISTEN_PORT")
        #expect(ConfigurationLoader.environmentVariable(for: "max_db_connections") == "PGLENS_MAX_DB_CONNECTIONS")
        #expect(ConfigurationLoader.environmentVariable(for: "databases") == nil)
    }

    @Test func badValuesNameTheVariable() {
        do {
            _ = try ConfigurationLoader.parse(
                toml: Self.file,
                environment: [
                    "PGLENS_LISTEN_PORT": "seven", "PGLENS_POOL_MODE": "statement",
                    "PGLENS_AUTH_ALLOW_PLAINTEXT": "maybe", "PGLENS_QUERY_WAIT_TIMEOUT": "soon",
                ],
                source: "test.toml")
            Issue.record("expected an error")
        } catch {
            #expect(
                Set(error.problems.map(\.key)) == [
                    "PGLENS_LISTEN_PORT", "PGLENS_POOL_MODE", "PGLENS_AUTH_ALLOW_PLAINTEXT",
                    "PGLENS_QUERY_WAIT_TIMEOUT",
                ])
            #expect(!error.description.contains("seven"))
        }
    }

    @Test func outOfRangeOverrideNamesTheVariable() {
        do {
            _ = try ConfigurationLoader.parse(
                toml: Self.file, environment: ["PGLENS_LISTEN_PORT": "70000"], source: "test.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.key == "listen_port")
            #expect(error.problems.first?.message.contains("PGLENS_LISTEN_PORT") == true)
            #expect(error.problems.first?.line == nil)
        }
    }

    @Test func unknownVariablesAreIgnoredAndNotEchoed() throws {
        let configuration = try ConfigurationLoader.parse(
            toml: Self.file,
            environment: ["PGLENS_PASSWORD": "env-secret", "PGLENS_BOGUS": "1", "PGPASSWORD": "x"],
            source: "test.toml")
        #expect(configuration.listenPort == 6000)
        #expect(!String(describing: configuration).contains("env-secret"))
        do {
            _ = try ConfigurationLoader.parse(
                toml: "bogus = 1\n" + Self.file, environment: ["PGLENS_PASSWORD": "env-secret"], source: "t")
        } catch {
            #expect(!error.description.contains("env-secret"))
            #expect(!error.description.contains("PGLENS_PASSWORD"))
        }
    }
}
