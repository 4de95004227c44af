import PGLensConfig
import Testing

/// `advisor` (per database too), `advisor_user`, `advisor_interval` and `advisor_statement_timeout`.
@Suite struct AdvisorConfigurationTests {
    @Test func offByDefault() throws {
        let configuration = try ConfigurationLoaderTests.parse(ConfigurationLoaderTests.minimal)
        let app = try #require(configuration.databases["app"])
        #expect(!configuration.advisor(for: app))
        #expect(configuration.advisorUser == "")
        #expect(configuration.advisorInterval == 300)
        #expect(configuration.advisorStatementTimeout == 5)
    }

    @Test func databasesMayTurnItOnOrOff() throws {
        let configuration = try ConfigurationLoaderTests.parse(
            """
            advisor = true
            advisor_user = "advisor"
            advisor_interval = 30
            advisor_statement_timeout = 2.5
            [databases.app]
            [databases.reports]
            advisor = false
            [users.app]
            password = "pw"
            [users.advisor]
            password = "pw2"
            """)
        #expect(configuration.advisor(for: try #require(configuration.databases["app"])))
        #expect(!configuration.advisor(for: try #require(configuration.databases["reports"])))
        #expect(configuration.advisorUser == "advisor")
        #expect(configuration.advisorInterval == 30)
        #expect(configuration.advisorStatementTimeout == 2.5)
        #expect(configuration.settingText("advisor_interval") == "30")
    }

    @Test func problemsNameTheirKeys() {
        let problems = ConfigurationLoaderTests.problems(
            """
            advisor_user = "nobody"
            advisor_interval = 0
            advisor_statement_timeout = 0
            [databases.app]
            [users.app]
            password = "pw"
            """)
        #expect(Set(problems.map(\.key)) == ["advisor_user", "advisor_interval", "advisor_statement_timeout"])
    }
}
