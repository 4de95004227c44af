import PGLensConfig
import Testing

/// `admin_users` and `stats_users`: both forms, validation, redaction.
@Suite struct AdminUsersConfigurationTests {
    static let users = """
        [databases.app]
        [users.alice]
        password = "pw-alice"
        [users.bob]
        password = "pw-bob"
        """

    @Test func tomlArrayIsRead() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            "admin_users = [\"alice\"]\nstats_users = [\"alice\", \"bob\"]\n" + Self.users)
        #expect(configuration.adminUsers == ["alice"])
        #expect(configuration.statsUsers == ["alice", "bob"])
    }

    @Test func commaSeparatedStringIsRead() throws {
        let configuration = try ConfigurationLoaderTests.parse("stats_users = \" alice , bob,\"\n" + Self.users)
        #expect(configuration.statsUsers == ["alice", "bob"])
        #expect(configuration.adminUsers == [])
    }

    @Test func environmentOverrideIsACommaSeparatedList() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            Self.users, environment: ["PGLENS_ADMIN_USERS": "bob,alice"])
        #expect(configuration.adminUsers == ["bob", "alice"])
    }

    @Test func unknownUserIsAProblem() {
        let problems = ConfigurationLoaderTests.problems("admin_users = [\"carol\"]\n" + Self.users)
        #expect(problems.map(\.key) == ["admin_users"])
        #expect(problems.first?.message.contains("carol") == true)
    }

    @Test func unknownUserIsAcceptedUnderTrust() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            "auth_type = \"trust\"\nadmin_users = [\"carol\"]\n[databases.app]\n")
        #expect(configuration.adminUsers == ["carol"])
    }

    @Test func consoleDatabaseNamesAreReserved() {
        let problems = ConfigurationLoaderTests.problems(Self.users + "\n[databases.pgbouncer]\n")
        #expect(problems.map(\.key) == ["databases.pgbouncer"])
    }

    @Test func arrayOfNumbersIsAProblem() {
        let problems = ConfigurationLoaderTests.problems("stats_users = [1, 2]\n" + Self.users)
        #expect(problems.map(\.key) == ["stats_users"])
    }

    @Test func namesAppearInTheDescriptionAndMirror() throws {
        let configuration = try ConfigurationLoaderTests.parse("admin_users = [\"alice\"]\n" + Self.users)
        #expect(configuration.description.contains("admin_users: [\"alice\"]"))
        #expect(!configuration.description.contains("pw-alice"))
        let labels = Mirror(reflecting: configuration).children.compactMap(\.label)
        #expect(labels.contains("adminUsers") && labels.contains("statsUsers"))
    }
}
