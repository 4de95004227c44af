import Foundation
import Testing

/// Pool exhaustion: 500 clients at once on a pool of 5. `scripts/test` runs suites named `...LoadTests`
/// alone, after the others.
@Suite("pool exhaustion under load", .serialized, .disabled(if: ProxyUnderTest.isDirect, "a pglens pool"))
struct PoolExhaustionLoadTests {
    @Test(
        "500 clients on a pool of 5: each query served with its own answer or refused with 53300",
        arguments: ["session", "transaction"])
    func fiveHundredClients(mode: String) async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await PoolObservation.database("pl_exhaust_\(mode)", on: cluster)
        var config = ProxyConfig.trustLogin
        config.databases = ["app", database]
        config.poolMode = mode
        config.defaultPoolSize = 5
        config.maxClientConn = 600
        config.queryWaitTimeout = 4
        try await ProxyUnderTest.with(config) { proxy in
            // The pool learns the server's parameters first, so that the 500 logins do not each wait for
            // a server connection (a refused login has no SQLSTATE in libpq).
            #expect(try await PoolObservation.query("SELECT 1", port: proxy.port, database: database) == "1")
            let rounds = 3
            let result = try await ClientRunner.python(
                "pool_lifetimes.py", ["exhaust", proxy.dsn(database: database), "500", String(rounds)], timeout: 300)
            let json = try JSONOutput.object(result)
            let served = json["served"] as? Int ?? -1
            let timedOut = json["timed_out"] as? Int ?? -1
            #expect(json["wrong"] as? Int == 0, "answers went to the wrong client: \(json)")
            #expect(json["other"] as? Int == 0, "errors other than 53300: \(json)")
            #expect(served + timedOut == 500 * rounds, "\(json)")
            #expect(served >= 5 * rounds, "hardly anything was served: \(json)")
            let servers = try await PoolObservation.serverConnections(database, on: cluster)
            #expect(servers <= 5, "\(servers) server connections for a pool of 5")
            #expect(try await PoolObservation.query("SELECT 2", port: proxy.port, database: database) == "2")
        }
    }
}
