import Foundation
import Testing

@Suite("psycopg 3 through pglens")
struct PsycopgTests {
    @Test("psycopg suite gives the same results directly and through pglens")
    func suiteMatchesDirect() async throws {
        let cluster = try await PostgresCluster.shared()
        let directDSN = ProxyUnderTest.dsn(port: cluster.port, user: "app", password: PostgresCluster.appPassword)
        try await ProxyUnderTest.with { proxy in
            async let direct = ClientRunner.python("psycopg_suite.py", [directDSN])
            async let proxied = ClientRunner.python("psycopg_suite.py", [proxy.dsn()])
            let (directResult, proxyResult) = try await (direct, proxied)
            let json = try JSONOutput.object(directResult)
            _ = try JSONOutput.object(proxyResult)
            #expect(proxyResult.stdout == directResult.stdout)
            #expect(json["cancel"] as? String == "57014")
            #expect(json["cancel_under_3s"] as? Bool == true)
            #expect(json["after_cancel"] as? String == "still usable")
            #expect(json["tx_error"] as? String == "23505")
            #expect(json["tx_status_after_error"] as? String == "INERROR")
            #expect(json["tx_after_rollback"] as? Int == 0)
            #expect(json["pipeline"] as? [Int] == (0..<50).map { $0 * 2 })
            #expect(json["prepared"] as? [String] == (1...5).map { "item-\($0)-✓" })
            let notifies = json["notifies"] as? [[Any]]
            #expect(notifies?.count == 2)
            #expect(notifies?.first?[1] as? String == "payload ✓")
            let executemany = json["executemany"] as? [Any]
            #expect(executemany?.first as? Int == 100)
            #expect((json["binary_rows"] as? [Any])?.count == 200)
        }
    }
}
