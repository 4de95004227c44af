import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `pglens audit` and `pglens check` as a user runs them: a known N+1 (Clients/n_plus_one_app.py, 20
/// lookups after one parent) and its clean twin (one `= ANY` query) through pglens, then the audit of the
/// running pglens and of its saved report, and the CI gate with each application, JUnit and GitHub output.
@Suite("The audit and the CI gate", .serialized, .disabled(if: ProxyUnderTest.isDirect, "reads pglens's own report"))
struct AuditWorkloadTests {
    private static let parent = "select id, customer_id from np_orders where shop_id = $1 order by id"
    private static let child = "select id, name from np_customers where id = $1"
    private static let nPlusOneApplication = "audit-n-plus-one"
    private static let cleanApplication = "audit-clean"

    private static func pglens(_ arguments: [String]) async throws -> CommandResult {
        try await ClientRunner.run(PGLensProcess.binaryPath, arguments, timeout: 60)
    }

    /// Waits until the report holds `calls` executions of `application`'s statements.
    private static func waitForCalls(_ url: String, application: String, calls: Int) async throws {
        for _ in 0..<100 {
            let result = try await pglens(["report", "--url", url, "--format", "json"])
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let seen = (report?["statements"] as? [[String: Any]] ?? []).filter {
                $0["application_name"] as? String == application
            }.reduce(0) { $0 + ($1["calls"] as? Int ?? 0) }
            if seen >= calls { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        Issue.record("the report never held \(calls) calls of \(application)")
    }

    @Test("the audit names the N+1 with its parent and fix; check fails on it and passes on the clean twin")
    func auditAndCheck() async throws {
        let cluster = try await PostgresCluster.shared()
        let adminDSN = "host=\(cluster.socketDirectory) port=\(cluster.port) user=postgres dbname=app"
        var config = ProxyConfig()
        config.httpAPI = true
        config.poolMode = "transaction"
        let scratch = try TempDirectory.make(prefix: "pglens-it-audit")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let saved = scratch + "/report.json"
        try await ProxyUnderTest.with(config) { proxy in
            let process = try #require(proxy.process)
            let url = "http://127.0.0.1:\(process.httpPort)"
            for (mode, application) in [("bound", Self.nPlusOneApplication), ("clean", Self.cleanApplication)] {
                let run = try await ClientRunner.python(
                    "n_plus_one_app.py", [mode, proxy.dsn(), adminDSN, application])
                try #require(run.exitCode == 0, "\(run)")
            }
            try await Self.waitForCalls(url, application: Self.nPlusOneApplication, calls: 21)
            try await Self.waitForCalls(url, application: Self.cleanApplication, calls: 2)

            // The audit of the running pglens, restricted to the N+1's application.
            let audit = try await Self.pglens(["audit", "--url", url, "--application", Self.nPlusOneApplication])
            try #require(audit.exitCode == 0, "\(audit)")
            let text = audit.stdout
            #expect(text.hasPrefix("# Database audit: "), "\(text)")
            #expect(text.contains("Restricted to application `\(Self.nPlusOneApplication)`."))
            #expect(text.contains("| critical | 1 |"), "\(text)")
            #expect(text.contains(". N+1 query on `np_customers`"), "\(text)")
            #expect(text.contains("```sql\n\(Self.child)\n```"), "\(text)")
            #expect(text.contains("- Driven by the rows of this statement (20 rows):"), "\(text)")
            #expect(text.contains("  ```sql\n  \(Self.parent)\n  ```"), "\(text)")
            #expect(text.contains("up to 20 executions in one"), "\(text)")
            #expect(text.contains("#### Fix\n\nLoad all rows at once"), "\(text)")
            #expect(text.contains("```sql\nSELECT ... FROM np_customers WHERE id = ANY($1)"), "\(text)")
            #expect(text.contains("## Top statements by total time"))
            #expect(!text.contains(Self.cleanApplication))

            // The gate against the running pglens: the N+1 fails it, with JUnit written.
            let junit = scratch + "/junit.xml"
            let failing = try await Self.pglens([
                "check", "--url", url, "--application", Self.nPlusOneApplication, "--junit", junit,
            ])
            #expect(failing.exitCode == 1, "\(failing)")
            #expect(failing.stdout.hasPrefix("pglens check: FAILED, 1 finding over budget"), "\(failing)")
            #expect(failing.stdout.contains("[critical] n_plus_one in app / \(Self.nPlusOneApplication)"))
            #expect(failing.stdout.contains("  parent: \(Self.parent)"), "\(failing)")
            #expect(failing.stdout.contains("= ANY($1)"), "\(failing)")
            try Self.expectJUnit(atPath: junit, failingKind: "n_plus_one")

            let saveRun = try await Self.pglens(["report", "--url", url, "--format", "json", "--output", saved])
            try #require(saveRun.exitCode == 0, "\(saveRun)")
        }

        // The saved report, pglens stopped: the same audit twice, byte for byte.
        let first = try await Self.pglens(["audit", "--report", saved, "--output", scratch + "/audit-1.md"])
        let second = try await Self.pglens(["audit", "--report", saved])
        #expect(first.exitCode == 0 && second.exitCode == 0, "\(first)\n\(second)")
        let written = try String(contentsOfFile: scratch + "/audit-1.md", encoding: .utf8)
        #expect(written == second.stdout)
        #expect(written.contains("N+1 query on `np_customers`"))

        let clean = try await Self.pglens(["check", "--report", saved, "--application", Self.cleanApplication])
        #expect(clean.exitCode == 0, "\(clean)")
        #expect(clean.stdout.hasPrefix("pglens check: passed, no finding over budget"), "\(clean)")
        let budget = try await Self.pglens([
            "check", "--report", saved, "--application", Self.nPlusOneApplication, "--max-repetitions", "20",
        ])
        #expect(budget.exitCode == 0, "\(budget)")
        let github = try await Self.pglens([
            "check", "--report", saved, "--application", Self.nPlusOneApplication, "--format", "github",
            "--fail-on", "n_plus_one,slow_query", "--min-severity", "warning",
        ])
        #expect(github.exitCode == 1, "\(github)")
        #expect(github.stdout.hasPrefix("::error title=pglens n_plus_one (critical)::"), "\(github)")

        let unreadable = try await Self.pglens(["check", "--report", scratch + "/missing.json"])
        #expect(unreadable.exitCode == 2, "\(unreadable)")
        let badSeverity = try await Self.pglens(["check", "--report", saved, "--min-severity", "fatal"])
        #expect(badSeverity.exitCode == 64, "\(badSeverity)")
    }

    @Test(
        "pglens run fails on the N+1 and passes on its clean twin; the command's own failure comes first",
        arguments: [("bound", Int32(1)), ("clean", Int32(0)), ("fail", Int32(3))])
    func runWrapsACommand(mode: String, expected: Int32) async throws {
        let cluster = try await PostgresCluster.shared()
        let adminDSN = "host=\(cluster.socketDirectory) port=\(cluster.port) user=postgres dbname=app"
        let scratch = try TempDirectory.make(prefix: "pglens-it-run")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let script = ClientRunner.clientsDirectory + "/n_plus_one_app.py"
        // The app reads DATABASE_URL as a test suite would; `fail` is a suite that fails without an N+1.
        let shell =
            mode == "fail"
            ? "python3 '\(script)' clean \"$DATABASE_URL\" '\(adminDSN)' run-fail && test \"$PGPORT\" != '' && exit 3"
            : "python3 '\(script)' \(mode) \"$DATABASE_URL\" '\(adminDSN)' run-\(mode)"
        let result = try await Self.pglens([
            "run", "--upstream", "postgres://app:\(PostgresCluster.appPassword)@127.0.0.1:\(cluster.port)/app",
            "--audit", scratch + "/audit.md", "--junit", scratch + "/junit.xml", "--", "sh", "-c", shell,
        ])
        #expect(result.exitCode == expected, "\(result)")
        // The app ran against pglens: its statements are in pglens's summary.
        #expect(result.stdout.contains("{\"mode\": "), "\(result)")
        #expect(result.stdout.contains("pglens run: the command exited \(mode == "fail" ? 3 : 0); "), "\(result)")
        let audit = try String(contentsOfFile: scratch + "/audit.md", encoding: .utf8)
        if mode == "bound" {
            #expect(result.stdout.contains("pglens check: FAILED, 1 finding over budget"), "\(result)")
            #expect(result.stdout.contains("  parent: \(Self.parent)"), "\(result)")
            #expect(audit.contains("N+1 query on `np_customers`"), "\(audit)")
            try Self.expectJUnit(atPath: scratch + "/junit.xml", failingKind: "n_plus_one")
        } else {
            #expect(result.stdout.contains("pglens check: passed, no finding over budget"), "\(result)")
            #expect(!audit.contains("N+1 query"), "\(audit)")
        }
    }

    /// The JUnit file is XML with one testcase per kind checked and a failure for `failingKind`.
    private static func expectJUnit(atPath path: String, failingKind: String) throws {
        let xml = try String(contentsOfFile: path, encoding: .utf8)
        #if canImport(FoundationXML) || os(macOS)
            let document = try XMLDocument(data: Data(xml.utf8))
            let cases = try document.nodes(forXPath: "/testsuites/testsuite/testcase")
            #expect(cases.count == 1, "\(xml)")
            let failures = try document.nodes(forXPath: "//testcase[@name='\(failingKind)']/failure")
            #expect(failures.count == 1, "\(xml)")
            #expect(failures.first?.stringValue?.contains("parent: \(Self.parent)") == true, "\(xml)")
        #else
            #expect(xml.contains(#"<testcase classname="pglens.findings" name="\#(failingKind)" time="0">"#))
            #expect(xml.contains("<failure type=\"\(failingKind)\""))
        #endif
    }
}
