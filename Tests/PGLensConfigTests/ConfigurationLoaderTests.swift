import Foundation
import PGLensConfig
import Testing

/// Loading files: the example, every key, defaults, problems, libpq-style database strings.
@Suite struct ConfigurationLoaderTests {
    static let exampleConfigPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config/pglens.toml").path

    /// The smallest valid file body: one database and one user with a password.
    static let minimal = """
        [databases.app]
        [users.app]
        password = "pw"
        """

    static func parse(_ toml: String, environment: [String: String] = [:]) throws -> Configuration {
        try ConfigurationLoader.parse(toml: toml, environment: environment, source: "test.toml")
    }

    static func problems(_ toml: String, environment: [String: String] = [:]) -> [ConfigurationProblem] {
        do {
            _ = try parse(toml, environment: environment)
            return []
        } catch let error as ConfigurationError {
            return error.problems
        } catch {
            Issue.record("unexpected error type \(type(of: error))")
            return []
        }
    }

    @Test func exampleFileLoadsWithoutProblems() throws {
        let configuration = try ConfigurationLoader.load(path: Self.exampleConfigPath, environment: [:])
        #expect(configuration.databases.keys.sorted() == ["app"])
        #expect(configuration.users.keys.sorted() == ["app"])
        let app = try #require(configuration.databases["app"])
        #expect(app.host == "127.0.0.1")
        #expect(app.port == 5432)
        #expect(app.dbname == "app")
        #expect(configuration.users["app"]?.secret == .plain("change-me"))
        #expect(configuration.listenPort == 6432)
        #expect(configuration.authType == .scramSHA256)
    }

    @Test func exampleFileStatesTheDefaults() throws {
        var loaded = try ConfigurationLoader.load(path: Self.exampleConfigPath, environment: [:])
        loaded.databases = [:]
        loaded.users = [:]
        #expect(loaded == Configuration())
    }

    @Test func missingFileIsAProblem() {
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(path: "/nonexistent/pglens.toml", environment: [:])
        }
    }

    @Test func defaultsWhenKeysAreAbsent() throws {
        let configuration = try Self.parse(Self.minimal)
        var expected = Configuration()
        expected.databases["app"] = DatabaseConfiguration(name: "app")
        expected.users["app"] = UserConfiguration(name: "app", secret: .plain("pw"))
        #expect(configuration == expected)
        #expect(configuration.listenAddr == "127.0.0.1")
        #expect(configuration.listenPort == 6432)
        #expect(configuration.poolMode == .session)
        #expect(configuration.maxClientConn == 100)
        #expect(configuration.defaultPoolSize == 20)
        #expect(configuration.maxDBConnections == 0)
        #expect(configuration.queryWaitTimeout == 120)
        #expect(configuration.serverResetQuery == "DISCARD ALL")
        #expect(configuration.serverConnectTimeout == 15)
        #expect(configuration.clientLoginTimeout == 60)
        #expect(configuration.authType == .scramSHA256)
        #expect(configuration.authAllowPlaintext == false)
        #expect(configuration.maxPacketSize == 1_073_741_823)
        #expect(configuration.workers == 0)
        #expect(configuration.logLevel == "info")
        let app = try #require(configuration.databases["app"])
        #expect(app.host == "127.0.0.1" && app.port == 5432 && app.dbname == "app")
        #expect(app.poolSize == nil && app.poolMode == nil && app.forceUser == nil && app.password == nil)
        #expect(configuration.poolSize(for: app) == 20)
    }

    @Test func everyKeyParses() throws {
        let configuration = try Self.parse(
            """
            listen_addr = "0.0.0.0"
            listen_port = 7432
            pool_mode = "transaction"
            max_client_conn = 500
            default_pool_size = 7
            max_db_connections = 50
            query_wait_timeout = 2.5
            server_reset_query = ""
            server_connect_timeout = 3
            client_login_timeout = 0.25
            auth_type = "password"
            auth_allow_plaintext = true
            max_packet_size = 65536
            workers = 4
            log_level = "debug"

            [databases.app]
            host = "db.internal"
            port = 5433
            dbname = "app_production"
            pool_size = 9
            pool_mode = "session"
            user = "owner"
            password = "owner-pw"
            max_db_connections = 30

            [users.app]
            password = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVkS2V5:c2VydmVyS2V5"
            pool_mode = "transaction"

            [users.legacy]
            password = "md50123456789abcdef0123456789abcdef"
            """)
        #expect(configuration.listenAddr == "0.0.0.0")
        #expect(configuration.listenPort == 7432)
        #expect(configuration.poolMode == .transaction)
        #expect(configuration.maxClientConn == 500)
        #expect(configuration.defaultPoolSize == 7)
        #expect(configuration.maxDBConnections == 50)
        #expect(configuration.queryWaitTimeout == 2.5)
        #expect(configuration.serverResetQuery == "")
        #expect(configuration.serverConnectTimeout == 3)
        #expect(configuration.clientLoginTimeout == 0.25)
        #expect(configuration.authType == .password)
        #expect(configuration.authAllowPlaintext)
        #expect(configuration.maxPacketSize == 65536)
        #expect(configuration.workers == 4)
        #expect(configuration.logLevel == "debug")
        #expect(
            configuration.databases["app"]
                == DatabaseConfiguration(
                    name: "app", host: "db.internal", port: 5433, dbname: "app_production", poolSize: 9,
                    poolMode: .session, forceUser: "owner", password: "owner-pw", maxDBConnections: 30))
        let app = try #require(configuration.users["app"])
        #expect(app.secret == .scramVerifier("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVkS2V5:c2VydmVyS2V5"))
        #expect(app.poolMode == .transaction)
        #expect(configuration.users["legacy"]?.secret == .md5Hash("md50123456789abcdef0123456789abcdef"))
        #expect(configuration.poolMode(database: configuration.databases["app"]!, user: app) == .transaction)
    }

    @Test(arguments: ClientAuthMethod.allCases)
    func everyAuthTypeParses(method: ClientAuthMethod) throws {
        let configuration = try Self.parse(
            "auth_type = \"\(method.rawValue)\"\nauth_allow_plaintext = true\n" + Self.minimal)
        #expect(configuration.authType == method)
    }

    @Test(arguments: Configuration.logLevels)
    func everyLogLevelParses(level: String) throws {
        #expect(try Self.parse("log_level = \"\(level)\"\n" + Self.minimal).logLevel == level)
    }

    @Test func everyProblemIsReportedWithItsKeyAndLine() {
        let problems = Self.problems(
            """
            listen_port = "6432"
            max_client_conn = 10

            [databases.app]
            hots = "db"
            port = 70000

            [users.app]
            password = "pw"
            """)
        #expect(problems.map(\.key) == ["listen_port", "databases.app.hots", "databases.app.port"])
        #expect(problems.map(\.line) == [1, 5, 6])
        #expect(problems[0].message.contains("integer"))
        #expect(problems[1].message == "unknown key")
    }

    @Test func unknownKeysAreReportedWithTheirFullPath() {
        let problems = Self.problems(
            """
            listen_prot = 1
            [databases.app]
            hots = "x"
            [users.app]
            password = "pw"
            passwrd = "pw"
            [pools]
            """)
        #expect(Set(problems.map(\.key)) == ["listen_prot", "databases.app.hots", "users.app.passwrd", "pools"])
    }

    @Test func wrongTypesNameTheKey() {
        let problems = Self.problems(
            """
            listen_addr = 1
            auth_allow_plaintext = "yes"
            query_wait_timeout = "10"
            pool_mode = "statement"
            log_level = "verbose"
            workers = 1.5
            [databases.app]
            pool_size = "10"
            [users.app]
            password = 1234
            """)
        #expect(
            Set(problems.map(\.key)) == [
                "listen_addr", "auth_allow_plaintext", "query_wait_timeout", "pool_mode", "log_level", "workers",
                "databases.app.pool_size", "users.app.password",
            ])
    }

    @Test func syntaxErrorIsOneProblemWithItsLine() {
        let problems = Self.problems("listen_port = 6432\nlisten_addr = \n")
        #expect(problems.count == 1)
        #expect(problems.first?.key == "")
        #expect(problems.first?.line == 2)
    }

    @Test func libpqStyleDatabaseStrings() throws {
        let configuration = try Self.parse(
            """
            [databases]
            app = "host=10.0.0.5 port=5433 dbname=app_db pool_size=10 pool_mode=transaction"
            quoted = "host = 'db host' user=owner password='it\\\\'s secret' max_db_connections=3"
            [databases.tabled]
            port = 6000
            [users.app]
            password = "pw"
            """)
        #expect(
            configuration.databases["app"]
                == DatabaseConfiguration(
                    name: "app", host: "10.0.0.5", port: 5433, dbname: "app_db", poolSize: 10,
                    poolMode: .transaction))
        #expect(
            configuration.databases["quoted"]
                == DatabaseConfiguration(
                    name: "quoted", host: "db host", forceUser: "owner", password: "it's secret",
                    maxDBConnections: 3))
        #expect(configuration.databases["tabled"]?.port == 6000)
    }

    @Test func libpqStyleProblems() {
        let problems = Self.problems(
            """
            [databases]
            app = "hots=x port=abc"
            broken = "host='unterminated"
            bare = "host"
            number = 5
            [users.app]
            password = "pw"
            """)
        #expect(
            Set(problems.map(\.key)) == [
                "databases.app.hots", "databases.app.port", "databases.broken", "databases.bare", "databases.number",
            ])
        #expect(problems.first { $0.key == "databases.app.hots" }?.line == 2)
    }

    @Test func validationProblemsComeWithLines() {
        let problems = Self.problems(
            """
            listen_port = 70000
            [databases.app]
            [users.app]
            password = "pw"
            """)
        #expect(problems == [ConfigurationProblem(key: "listen_port", message: problems[0].message, line: 1)])
    }

    @Test func errorDescriptionListsEveryProblem() {
        do {
            _ = try Self.parse("bogus = 1\nlisten_port = -1\n[databases.app]\n[users.app]\npassword = \"pw\"")
            Issue.record("expected an error")
        } catch let error as ConfigurationError {
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines[0] == "test.toml:1: bogus: unknown key")
            #expect(lines[1].hasPrefix("test.toml:2: listen_port: "))
        } catch {
            Issue.record("unexpected error \(type(of: error))")
        }
    }
}
