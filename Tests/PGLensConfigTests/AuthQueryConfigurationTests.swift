import PGLensConfig
import Testing

/// `auth_user`, `auth_query`, `auth_dbname` and `auth_query_cache_ttl`.
@Suite struct AuthQueryConfigurationTests {
    @Test func defaultsLookUpNobody() throws {
        let configuration = try ConfigurationLoaderTests.parse(ConfigurationLoaderTests.minimal)
        #expect(configuration.authUser == "")
        #expect(configuration.authQuery.contains("FROM pg_authid WHERE rolname = $1"))
        #expect(configuration.authQueryCacheTTL == 60)
        let app = try #require(configuration.databases["app"])
        #expect(configuration.authUser(for: app) == nil)
    }

    @Test func databasesMaySetTheirOwnAuthUser() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            """
            auth_user = "lookup"
            auth_query = "SELECT usename, passwd FROM lookup($1)"
            auth_dbname = "app"
            auth_query_cache_ttl = 5
            [databases.app]
            [databases.reports]
            auth_user = "reporting"
            [users.app]
            password = "pw"
            [users.lookup]
            password = "pw2"
            [users.reporting]
            password = "pw3"
            """)
        let app = try #require(configuration.databases["app"])
        let reports = try #require(configuration.databases["reports"])
        #expect(configuration.authUser(for: app) == "lookup")
        #expect(configuration.authUser(for: reports) == "reporting")
        #expect(configuration.authQueryCacheTTL == 5)
        #expect(configuration.authDBName == "app")
    }

    @Test func problemsNameTheirKeys() {
        let problems = ConfigurationLoaderTests.problems(
            """
            auth_user = "ghost"
            auth_query = "SELECT passwd FROM users WHERE name = 'x'"
            auth_dbname = "nowhere"
            """ + "\n" + ConfigurationLoaderTests.minimal)
        #expect(Set(problems.map(\.key)) == ["auth_user", "auth_query", "auth_dbname"])
    }
}
