import Foundation
import Testing

@Suite("pgbench through pglens", .serialized)
struct PgbenchTests {
    private static let env = ["PGPASSWORD": PostgresCluster.appPassword, "PGSSLMODE": "disable"]

    private func connectionArguments(_ proxy: ProxyUnderTest) -> [String] {
        ["-h", "127.0.0.1", "-p", String(proxy.port), "-U", "app"]
    }

    @Test("pgbench -i, then -S in simple, extended and prepared protocol modes")
    func initializeAndSelectOnly() async throws {
        try await ProxyUnderTest.with { proxy in
            let initialize = try await ClientRunner.run(
                "pgbench", ["-i", "-s", "1", "-q"] + connectionArguments(proxy) + ["app"], environment: Self.env,
                timeout: 180)
            #expect(initialize.exitCode == 0, "\(initialize)")
            #expect(initialize.stderr.contains("done in"), "\(initialize)")
            let accounts = try await proxy.cluster.psqlAdmin("SELECT count(*) FROM pgbench_accounts", database: "app")
            #expect(accounts == "100000")

            for mode in ["simple", "extended", "prepared"] {
                let run = try await ClientRunner.run(
                    "pgbench",
                    ["-S", "-t", "200", "-c", "4", "-j", "2", "-M", mode, "-n"] + connectionArguments(proxy) + ["app"],
                    environment: Self.env, timeout: 60)
                #expect(run.exitCode == 0, "mode \(mode): \(run)")
                #expect(!run.stderr.lowercased().contains("error"), "mode \(mode): \(run.stderr)")
                #expect(run.stdout.contains("query mode: \(mode)"), "mode \(mode): \(run.stdout)")
                let processed = Self.firstNumber(after: "number of transactions actually processed: ", in: run.stdout)
                let failed = Self.firstNumber(after: "number of failed transactions: ", in: run.stdout)
                let tps = Self.firstNumber(after: "tps = ", in: run.stdout)
                #expect(processed == 800, "mode \(mode): \(run.stdout)")
                #expect(failed == 0, "mode \(mode): \(run.stdout)")
                #expect((tps ?? 0) > 0, "mode \(mode): \(run.stdout)")
            }
        }
    }

    static func firstNumber(after marker: String, in text: String) -> Double? {
        guard let range = text.range(of: marker) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return Double(digits)
    }
}
