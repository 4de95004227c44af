import Foundation
import Testing

/// N+1 queries found in live traffic: a small app's request run with an N+1 (bound parameters, literal
/// SQL, a pipeline, two connections at once) and its clean twins, through pglens, then pglens's report.
@Suite("N+1 in the report", .serialized, .disabled(if: ProxyUnderTest.isDirect, "reads pglens's own report"))
struct NPlusOneWorkloadTests {
    private static let parent = "select id, customer_id from np_orders where shop_id = $1 order by id"
    private static let child = "select id, name from np_customers where id = $1"

    /// The report's findings of `application`, once the analysis has seen `calls` of its statements.
    private static func findings(
        _ proxy: ProxyUnderTest, application: String, calls: Int
    ) async throws
        -> [[String: Any]]
    {
        let process = try #require(proxy.process)
        var report: [String: Any] = [:]
        for _ in 0..<100 {
            let result = try await ClientRunner.run(
                PGLensProcess.binaryPath,
                ["report", "--url", "http://127.0.0.1:\(process.httpPort)", "--format", "json"], timeout: 30)
            report = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
            let statements = (report["statements"] as? [[String: Any]] ?? []).filter {
                $0["application_name"] as? String == application
            }
            if statements.reduce(0, { $0 + ($1["calls"] as? Int ?? 0) }) >= calls { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return (report["findings"] as? [[String: Any]] ?? []).filter {
            $0["application_name"] as? String == application
        }
    }

    private static func run(_ mode: String, poolMode: String) async throws -> [[String: Any]] {
        let cluster = try await PostgresCluster.shared()
        let adminDSN = "host=\(cluster.socketDirectory) port=\(cluster.port) user=postgres dbname=app"
        var config = ProxyConfig()
        config.httpAPI = true
        config.poolMode = poolMode
        config.queryWaitTimeout = 60
        let application = "np-\(mode)-\(poolMode)"
        var found: [[String: Any]] = []
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await ClientRunner.python(
                "n_plus_one_app.py", [mode, proxy.dsn(), adminDSN, application])
            try #require(result.exitCode == 0, "\(result)")
            let calls = ["concurrent": 42, "auth": 60, "clean": 2][mode] ?? 21
            found = try await Self.findings(proxy, application: application, calls: calls)
        }
        return found
    }

    @Test(
        "an N+1 of 20 lookups is one n_plus_one with its parent and fix",
        arguments: ["bound", "literal", "pipeline"], ["session", "transaction"])
    func nPlusOneFound(mode: String, poolMode: String) async throws {
        let findings = try await Self.run(mode, poolMode: poolMode)
        let nPlusOnes = findings.filter { $0["kind"] as? String == "n_plus_one" }
        try #require(nPlusOnes.count == 1, "\(findings)")
        let finding = nPlusOnes[0]
        #expect(finding["query"] as? String == Self.child)
        #expect(finding["repetitions"] as? Int == 20)
        #expect(finding["occurrences"] as? Int == 1)
        #expect((finding["parent"] as? [String: Any])?["query"] as? String == Self.parent)
        #expect((finding["evidence"] as? [String: Any])?["parent_rows"] as? Int == 20)
        #expect(finding["table"] as? String == "np_customers")
        #expect((finding["suggestion"] as? String ?? "").contains("= ANY($1)"))
        #expect(findings.allSatisfy { $0["kind"] as? String != "duplicate_query" }, "\(findings)")
    }

    @Test("two connections running the request at once are two bursts of 20, never one of 40")
    func concurrentBurstsStayApart() async throws {
        let findings = try await Self.run("concurrent", poolMode: "transaction")
        let nPlusOnes = findings.filter { $0["kind"] as? String == "n_plus_one" }
        try #require(nPlusOnes.count == 1, "\(findings)")
        #expect(nPlusOnes[0]["repetitions"] as? Int == 20)
        #expect(nPlusOnes[0]["occurrences"] as? Int == 2)
    }

    @Test("the clean twin (= ANY) and one lookup per request give no n_plus_one", arguments: ["clean", "auth"])
    func noFalsePositive(mode: String) async throws {
        let findings = try await Self.run(mode, poolMode: "transaction")
        #expect(findings.filter { $0["kind"] as? String == "n_plus_one" }.isEmpty, "\(findings)")
    }
}
