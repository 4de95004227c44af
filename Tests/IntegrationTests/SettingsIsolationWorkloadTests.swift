import Foundation
import Testing

/// Startup parameters and `options` follow their client: under either pool mode, every client sees what
/// PostgreSQL shows it directly, and none sees another's.
@Suite("client settings through pglens", .serialized)
struct SettingsIsolationWorkloadTests {
    @Test(
        "15 clients of five kinds of settings over a pool of 2 each see exactly what they see directly",
        arguments: ["transaction", "session"])
    func settingsFollowTheirClient(poolMode: String) async throws {
        let cluster = try await PostgresCluster.shared()
        let directDSN = ProxyUnderTest.dsn(port: cluster.port, user: "app", password: PostgresCluster.appPassword)
        let adminDSN = "host=\(cluster.socketDirectory) port=\(cluster.port) user=postgres dbname=app"
        var config = ProxyConfig()
        config.poolMode = poolMode
        // Session pooling holds a connection per client: give it one per client.
        config.defaultPoolSize = poolMode == "transaction" ? 2 : 20
        config.queryWaitTimeout = 60
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await ClientRunner.python(
                "settings_isolation.py", [proxy.dsn(), directDSN, adminDSN, "20"])
            let json = try JSONOutput.object(result)
            #expect(json["checks"] as? Int == 15 * 20, "\(result)")
            #expect((json["mismatches"] as? [String: Int]) == [:], "\(json["examples"] ?? "")")
            #expect(json["write_error_count"] as? Int == 0, "\(json["write_errors"] ?? "")")
            // `-csearch_path=isol_foo,public` is two schemas, as PostgreSQL reads it.
            #expect(json["expected_search_path"] as? String == "isol_foo,public")
            #expect(json["expected_schemas"] as? String == "{isol_foo,public}")
        }
    }
}

extension SettingsIsolationWorkloadTests {
    @Test("set_config in a DO block or with bound parameters pins the client; nobody else sees it")
    func hiddenSetConfigPins() async throws {
        let cluster = try await PostgresCluster.shared()
        let directDSN = ProxyUnderTest.dsn(port: cluster.port, user: "app", password: PostgresCluster.appPassword)
        var config = ProxyConfig()
        config.poolMode = "transaction"
        config.defaultPoolSize = 2
        config.queryWaitTimeout = 60
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await ClientRunner.python("settings_isolation.py", ["--hidden", proxy.dsn(), directDSN])
            let json = try JSONOutput.object(result)
            #expect(json["own"] as? [String] == ["isol_foo", "Asia/Tokyo"], "\(result)")
            #expect(json["other"] as? [String] == json["defaults"] as? [String], "\(result)")
        }
    }
}
