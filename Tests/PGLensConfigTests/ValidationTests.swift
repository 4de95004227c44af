import PGLensConfig
import Testing

/// `Configuration.validate()`: ranges and cross-checks.
@Suite struct ValidationTests {
    static func valid() -> Configuration {
        var configuration = Configuration()
        configuration.databases["app"] = DatabaseConfiguration(name: "app")
        configuration.users["app"] = UserConfiguration(name: "app", secret: .plain("pw"))
        return configuration
    }

    static func keys(_ change: (inout Configuration) -> Void) -> [String] {
        var configuration = valid()
        change(&configuration)
        return configuration.validate().map(\.key)
    }

    @Test func validConfigurationHasNoProblems() {
        #expect(Self.valid().validate().isEmpty)
    }

    @Test func listenPortZeroMeansAnyFreePort() {
        #expect(Self.keys { $0.listenPort = 0 } == [])
        #expect(Self.keys { $0.listenPort = -1 } == ["listen_port"])
        #expect(Self.keys { $0.listenPort = 65536 } == ["listen_port"])
    }

    @Test func rangesAreChecked() {
        #expect(Self.keys { $0.maxClientConn = 0 } == ["max_client_conn"])
        #expect(Self.keys { $0.defaultPoolSize = 0 } == ["default_pool_size"])
        #expect(Self.keys { $0.maxDBConnections = -1 } == ["max_db_connections"])
        #expect(Self.keys { $0.queryWaitTimeout = -1 } == ["query_wait_timeout"])
        #expect(Self.keys { $0.serverConnectTimeout = .nan } == ["server_connect_timeout"])
        #expect(Self.keys { $0.clientLoginTimeout = -0.5 } == ["client_login_timeout"])
        #expect(Self.keys { $0.maxPacketSize = 1023 } == ["max_packet_size"])
        #expect(Self.keys { $0.maxPacketSize = 1024 } == [])
        #expect(Self.keys { $0.workers = -1 } == ["workers"])
        #expect(Self.keys { $0.logLevel = "loud" } == ["log_level"])
        #expect(Self.keys { $0.databases["app"]?.port = 0 } == ["databases.app.port"])
        #expect(Self.keys { $0.databases["app"]?.poolSize = 0 } == ["databases.app.pool_size"])
        #expect(Self.keys { $0.databases["app"]?.maxDBConnections = -2 } == ["databases.app.max_db_connections"])
    }

    @Test func atLeastOneDatabaseWithAName() {
        #expect(Self.keys { $0.databases = [:] } == ["databases"])
        #expect(Self.keys { $0.databases = ["": DatabaseConfiguration(name: "")] } == ["databases."])
    }

    @Test func cleartextNeedsExplicitPermission() {
        let problems = { () -> [ConfigurationProblem] in
            var configuration = Self.valid()
            configuration.authType = .password
            return configuration.validate()
        }()
        #expect(problems.map(\.key) == ["auth_type"])
        #expect(problems.first?.message.contains("auth_allow_plaintext = true") == true)
        #expect(
            Self.keys {
                $0.authType = .password; $0.authAllowPlaintext = true
            } == [])
    }

    @Test func usersNeedPasswordsUnlessTrust() {
        #expect(Self.keys { $0.users["bob"] = UserConfiguration(name: "bob", secret: nil) } == ["users.bob.password"])
        #expect(
            Self.keys {
                $0.authType = .trust
                $0.users["bob"] = UserConfiguration(name: "bob", secret: nil)
            } == [])
    }

    @Test func forcedUserNeedsAPassword() {
        #expect(Self.keys { $0.databases["app"]?.forceUser = "owner" } == ["databases.app.user"])
        #expect(Self.keys { $0.databases["app"]?.forceUser = "app" } == [])
        #expect(
            Self.keys {
                $0.databases["app"]?.forceUser = "owner"
                $0.databases["app"]?.password = "pw"
            } == [])
    }
}
