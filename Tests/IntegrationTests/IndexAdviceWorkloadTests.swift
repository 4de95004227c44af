import Foundation
import Testing

/// The index advisor against the real test PostgreSQL: a 200 000-row table with an unindexed foreign key
/// and a lookup on an unindexed column (30 lookups, each a sequential scan of a few tens of ms), a
/// primary-key lookup, a redundant index, all through pglens with `advisor = true`; then pglens's report.
@Suite("Index advice in the report", .serialized, .disabled(if: ProxyUnderTest.isDirect, "reads pglens's own report"))
struct IndexAdviceWorkloadTests {
    private static let schema = """
        DROP TABLE IF EXISTS ia_sessions, ia_accounts CASCADE;
        CREATE TABLE ia_accounts (id bigserial PRIMARY KEY, email text NOT NULL);
        CREATE TABLE ia_sessions (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES ia_accounts (id),
            token_hash text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO ia_accounts (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 2000) g;
        INSERT INTO ia_sessions (account_id, token_hash, status)
            SELECT 1 + g % 2000, md5(g::text), CASE WHEN g % 10 = 0 THEN 'new' ELSE 'old' END
            FROM generate_series(1, 200000) g;
        CREATE INDEX ia_sessions_status_idx ON ia_sessions (status);
        CREATE INDEX ia_sessions_status_created_idx ON ia_sessions (status, created_at);
        ALTER TABLE ia_accounts OWNER TO app;
        ALTER TABLE ia_sessions OWNER TO app;
        ANALYZE ia_accounts;
        ANALYZE ia_sessions;
        """

    private static let tokenLookup = "select id, account_id from ia_sessions where token_hash = $1"
    private static let primaryKeyLookup = "select email from ia_accounts where id = $1"

    /// The report once it holds `kinds` for `ia_` tables, or after 90 s.
    private static func report(_ process: PGLensProcess, until kinds: Set<String>) async throws -> [String: Any] {
        var report: [String: Any] = [:]
        for _ in 0..<180 {
            let result = try await ClientRunner.run(
                PGLensProcess.binaryPath,
                ["report", "--url", "http://127.0.0.1:\(process.httpPort)", "--format", "json"], timeout: 30)
            report = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
            let seen = Set(
                (report["findings"] as? [[String: Any]] ?? []).filter {
                    ($0["table"] as? String ?? "").hasPrefix("ia_")
                }.compactMap { $0["kind"] as? String })
            if kinds.isSubset(of: seen) { break }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        return report
    }

    @Test(
        "a frequent unindexed lookup and an unindexed foreign key are found; a PK lookup is not advised"
    )
    func advisorFindsMissingIndexes() async throws {
        let cluster = try await PostgresCluster.shared()
        let hypopg =
            try await cluster.psqlAdmin(
                "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'", database: "app") == "1"
        if hypopg { try await cluster.psqlAdmin("CREATE EXTENSION IF NOT EXISTS hypopg", database: "app") }
        try await cluster.psqlAdmin(Self.schema, database: "app")
        let directory = try TempDirectory.make(prefix: "index-advice")
        var script = ""
        for round in 1...30 {
            script += "select id, account_id from ia_sessions where token_hash = '\(round * 7919)';\n"
            script += "select email from ia_accounts where id = \(round * 13);\n"
        }
        let scriptPath = directory + "/workload.sql"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)

        var config = ProxyConfig()
        config.httpAPI = true
        config.extraLines = ["advisor = true", "advisor_interval = 2", "advisor_statement_timeout = 10"]
        let kinds: Set<String> = ["missing_index", "fk_without_index", "duplicate_index", "unused_index"]
        var report: [String: Any] = [:]
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await ClientRunner.psql(
                port: proxy.port, user: "app", password: PostgresCluster.appPassword, arguments: ["-f", scriptPath])
            try #require(result.exitCode == 0, "\(result)")
            report = try await Self.report(try #require(proxy.process), until: kinds)
        }
        let statements = report["statements"] as? [[String: Any]] ?? []
        let findings = (report["findings"] as? [[String: Any]] ?? []).filter {
            ($0["table"] as? String ?? "").hasPrefix("ia_")
        }
        let lookup = try #require(statements.first { $0["query"] as? String == Self.tokenLookup }, "\(statements)")
        let primaryKey = try #require(statements.first { $0["query"] as? String == Self.primaryKeyLookup })
        #expect(lookup["calls"] as? Int == 30)

        let missing = findings.filter { $0["kind"] as? String == "missing_index" }
        let tokenAdvice = try #require(
            missing.first { $0["fingerprint"] as? String == lookup["fingerprint"] as? String }, "\(findings)")
        #expect(tokenAdvice["table"] as? String == "ia_sessions")
        #expect(tokenAdvice["columns"] as? [String] == ["token_hash"])
        #expect(
            (tokenAdvice["suggestion"] as? String ?? "").hasPrefix(
                "CREATE INDEX CONCURRENTLY ON ia_sessions (token_hash);"))
        let evidence = tokenAdvice["evidence"] as? [String: Any] ?? [:]
        // A candidate as a frequent lookup (10+ calls over 5 ms each); on a loaded machine its executions
        // may pass the slow threshold instead, and it is a candidate as slow or by total time.
        let reasons = Set(evidence["reasons"] as? [String] ?? [])
        #expect(!reasons.isDisjoint(with: ["frequent_lookup", "slow", "top_total_time"]), "\(evidence)")
        if hypopg {
            #expect(evidence["verification"] as? String == "verified by the planner with a hypothetical index")
            let before = try #require(evidence["cost_before"] as? Double)
            let after = try #require(evidence["cost_after"] as? Double)
            #expect(after <= before / 2, "\(evidence)")
            print("HypoPG: cost \(before) -> \(after)")
        } else {
            #expect((evidence["verification"] as? String ?? "").hasPrefix("advice from the plan alone"))
        }
        // The primary-key lookup is never told to add an index.
        #expect(!missing.contains { $0["fingerprint"] as? String == primaryKey["fingerprint"] as? String })
        #expect(missing.allSatisfy { ($0["columns"] as? [String]) != ["id"] }, "\(missing)")

        let foreignKeys = findings.filter { $0["kind"] as? String == "fk_without_index" }
        try #require(foreignKeys.count == 1, "\(findings)")
        #expect(foreignKeys[0]["table"] as? String == "ia_sessions")
        #expect(foreignKeys[0]["columns"] as? [String] == ["account_id"])
        #expect(
            (foreignKeys[0]["suggestion"] as? String ?? "").hasPrefix(
                "CREATE INDEX CONCURRENTLY ON ia_sessions (account_id);"))

        let duplicates = findings.filter { $0["kind"] as? String == "duplicate_index" }
        #expect(
            duplicates.map { ($0["evidence"] as? [String: Any])?["index"] as? String } == ["ia_sessions_status_idx"])
        let unused = Set(
            findings.filter { $0["kind"] as? String == "unused_index" }.compactMap {
                ($0["evidence"] as? [String: Any])?["index"] as? String
            })
        #expect(unused == ["ia_sessions_status_idx", "ia_sessions_status_created_idx"])
        #expect(!(report["findings"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "advisor_access" })
    }

    @Test("an advisor role that cannot log in is reported once with what to do, and clients are not disturbed")
    func advisorLoginFailureIsAFinding() async throws {
        var config = ProxyConfig()
        config.httpAPI = true
        config.users["ia_no_such_role"] = "not-a-password"
        config.extraLines = ["advisor = true", "advisor_interval = 1", "advisor_user = \"ia_no_such_role\""]
        var findings: [[String: Any]] = []
        try await ProxyUnderTest.with(config) { proxy in
            let process = try #require(proxy.process)
            for _ in 0..<60 {
                let result = try await ClientRunner.psql(
                    port: proxy.port, user: "app", password: PostgresCluster.appPassword,
                    arguments: ["-t", "-c", "select 40 + 2"])
                try #require(result.exitCode == 0, "\(result)")
                #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "42")
                let report = try await ClientRunner.run(
                    PGLensProcess.binaryPath,
                    ["report", "--url", "http://127.0.0.1:\(process.httpPort)", "--format", "json"], timeout: 30)
                let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
                findings = object?["findings"] as? [[String: Any]] ?? []
                if findings.contains(where: { $0["kind"] as? String == "advisor_access" }) { break }
                try await Task.sleep(nanoseconds: 500_000_000)
            }
            // Further runs fail the same way: still one finding.
            try await Task.sleep(nanoseconds: 2_500_000_000)
            let report = try await ClientRunner.run(
                PGLensProcess.binaryPath,
                ["report", "--url", "http://127.0.0.1:\(process.httpPort)", "--format", "json"], timeout: 30)
            let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
            findings = object?["findings"] as? [[String: Any]] ?? []
        }
        let access = findings.filter { $0["kind"] as? String == "advisor_access" }
        try #require(access.count == 1, "\(findings)")
        let evidence = access[0]["evidence"] as? [String: Any] ?? [:]
        #expect(evidence["stage"] as? String == "login")
        #expect(evidence["user"] as? String == "ia_no_such_role")
        #expect(evidence["sqlstate"] as? String == "28P01", "\(evidence)")
        #expect((access[0]["suggestion"] as? String ?? "").contains("advisor_user"))
        #expect(!findings.contains { ["missing_index", "fk_without_index"].contains($0["kind"] as? String ?? "") })
    }
}
