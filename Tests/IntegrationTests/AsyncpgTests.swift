import Foundation
import Testing

@Suite("asyncpg through pglens")
struct AsyncpgTests {
    @Test("asyncpg suite gives the same results directly and through pglens")
    func suiteMatchesDirect() async throws {
        let cluster = try await PostgresCluster.shared()
        let directDSN = ProxyUnderTest.dsn(port: cluster.port, user: "app", password: PostgresCluster.appPassword)
        try await ProxyUnderTest.with { proxy in
            async let direct = ClientRunner.python("asyncpg_suite.py", [directDSN])
            async let proxied = ClientRunner.python("asyncpg_suite.py", [proxy.dsn()])
            let (directResult, proxyResult) = try await (direct, proxied)
            let json = try JSONOutput.object(directResult)
            _ = try JSONOutput.object(proxyResult)
            #expect(proxyResult.stdout == directResult.stdout)
            let trips = json["round_trips"] as? [[Any]] ?? []
            #expect(trips.count == 14)
            for trip in trips { #expect(trip[2] as? Bool == true, "round trip of \(trip[0]) changed the value") }
            // sum over i in 0..<300 of (i%7 + 1) + 2*(i%7)
            let expectedTotal = (0..<300).reduce(0) { $0 + 3 * ($1 % 7) + 1 }
            #expect(json["prepared_total"] as? Int == expectedTotal)
            #expect(json["copy"] as? String == "COPY 5000")
            #expect(json["tx_error"] as? String == "22012")
            #expect(json["undefined_column"] as? String == "42703")
            #expect(json["after_errors"] as? Int == 5001)
        }
    }
}
