import PGLensConfig
import Testing

/// What RELOAD compares and SHOW CONFIG prints.
@Suite struct ConfigurationDifferencesTests {
    @Test func differingKeysNameTopLevelKeysAndTables() {
        let base = Configuration()
        var changed = base
        changed.listenPort = 7000
        changed.maxDBConnections = 5
        changed.statsUsers = ["bob"]
        changed.users = ["bob": UserConfiguration(name: "bob", secret: .plain("pw"))]
        #expect(base.differingKeys(from: base).isEmpty)
        #expect(base.differingKeys(from: changed) == ["listen_port", "max_db_connections", "stats_users", "users"])
    }

    @Test func settingTextPrintsValuesAsTheFileWrites() {
        var configuration = Configuration()
        configuration.adminUsers = ["alice", "bob"]
        configuration.queryWaitTimeout = 2.5
        #expect(configuration.settingText("admin_users") == "alice,bob")
        #expect(configuration.settingText("query_wait_timeout") == "2.5")
        #expect(configuration.settingText("client_idle_timeout") == "0")
        #expect(configuration.settingText("pool_mode") == "session")
        #expect(configuration.settingText("client_tls_sslmode") == "disable")
        #expect(configuration.settingText("databases") == nil)
        #expect(Configuration.settingKeys.count == Set(Configuration.settingKeys).count)
        #expect(Configuration.settingKeys.allSatisfy { configuration.settingText($0) != nil })
    }
}
