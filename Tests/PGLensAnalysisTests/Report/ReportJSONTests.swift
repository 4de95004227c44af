import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct ReportJSONTests {
    private static let statementKeys: Set<String> = [
        "fingerprint", "query", "database", "user", "application_name", "calls", "rows", "errors", "total_ms",
        "mean_ms", "min_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms", "first_seen", "last_seen",
    ]
    private static let findingKeys: Set<String> = [
        "id", "kind", "severity", "fingerprint", "query", "database", "application_name", "occurrences",
        "repetitions", "time_ms", "parent", "table", "columns", "suggestion", "evidence", "first_seen", "last_seen",
    ]

    private func pipeline(captureParameters: Bool) -> AnalysisPipeline {
        var configuration = AnalysisConfiguration()
        configuration.captureParameters = captureParameters
        configuration.instanceID = "proxy-1"
        configuration.version = "0.5.0"
        let pipeline = AnalysisPipeline(configuration: configuration, startedAt: EventFactory.epoch)
        let secret = String(repeating: "s", count: 300)
        pipeline.offer(
            EventFactory.event(
                "SELECT * FROM users WHERE email = $1", milliseconds: 2, at: 1, rows: 1, parameters: ["a@b.c"]))
        pipeline.offer(
            EventFactory.event(
                "SELECT * FROM users WHERE email = $1", milliseconds: 4, at: 2, rows: 0, sqlState: "57014",
                parameters: ["x@y.z"]))
        pipeline.offer(
            EventFactory.event(
                "SELECT * FROM orders WHERE token = $1", milliseconds: 300, at: 3, rows: 2, parameters: [secret]))
        pipeline.processPendingEvents()
        pipeline.recordSessionState(
            SessionStateObservation(
                statementText: "SET app.tenant = 'acme'", database: "app", applicationName: "api", action: .error,
                observedAt: EventFactory.epoch.addingTimeInterval(4)))
        return pipeline
    }

    private func json(_ report: Report) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: try report.jsonData())
        return try #require(object as? [String: Any])
    }

    @Test func topLevelFollowsTheContract() throws {
        let root = try json(pipeline(captureParameters: false).report(at: EventFactory.epoch.addingTimeInterval(60)))
        #expect(
            Set(root.keys) == ["schema", "generated_at", "window", "instance", "statements", "findings", "analysis"])
        #expect(root["schema"] as? String == "pglens.report/v1")
        #expect(root["generated_at"] as? String == "2026-01-01T12:01:00Z")
        let window = try #require(root["window"] as? [String: Any])
        #expect(window["started_at"] as? String == "2026-01-01T12:00:00Z")
        #expect(window["ended_at"] as? String == "2026-01-01T12:01:00Z")
        let instance = try #require(root["instance"] as? [String: Any])
        #expect(instance["id"] as? String == "proxy-1")
        #expect(instance["version"] as? String == "0.5.0")
        let analysis = try #require(root["analysis"] as? [String: Any])
        #expect(analysis["events_received"] as? Int == 3)
        #expect(analysis["events_dropped"] as? Int == 0)
        #expect(analysis["statements_evicted"] as? Int == 0)
        #expect(analysis["slow_executions"] as? Int == 1)
    }

    @Test func statementsCarryEveryContractField() throws {
        let root = try json(pipeline(captureParameters: false).report(at: EventFactory.epoch))
        let statements = try #require(root["statements"] as? [[String: Any]])
        #expect(statements.count == 2)
        #expect(statements.allSatisfy { Set($0.keys) == Self.statementKeys })
        let users = try #require(statements.first { ($0["query"] as? String)?.contains("users") == true })
        #expect(users["query"] as? String == "select * from users where email = $1")
        #expect(
            users["fingerprint"] as? String
                == StatementNormalizer().normalize("select * from users where email = $1").fingerprint.hex)
        #expect(users["database"] as? String == "app")
        #expect(users["user"] as? String == "web")
        #expect(users["application_name"] as? String == "api")
        #expect(users["calls"] as? Int == 2)
        #expect(users["rows"] as? Int == 1)
        #expect(users["errors"] as? Int == 1)
        #expect(users["total_ms"] as? Double == 6)
        #expect(users["mean_ms"] as? Double == 3)
        #expect(users["min_ms"] as? Double == 2)
        #expect(users["max_ms"] as? Double == 4)
        #expect(users["p50_ms"] as? Double == 2)
        #expect(users["p99_ms"] as? Double == 4)
        #expect(users["first_seen"] as? String == "2026-01-01T12:00:01Z")
        #expect(users["last_seen"] as? String == "2026-01-01T12:00:02Z")
        #expect(statements.first?["query"] as? String == "select * from orders where token = $1")
    }

    @Test func findingsCarryEveryContractFieldWithNulls() throws {
        let root = try json(pipeline(captureParameters: false).report(at: EventFactory.epoch))
        let findings = try #require(root["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { Set($0.keys) == Self.findingKeys })
        let session = findings[0]
        #expect(session["kind"] as? String == "session_state_in_transaction_mode")
        #expect(session["severity"] as? String == "critical")
        #expect(session["query"] as? String == "set app.tenant = $1")
        #expect(session["occurrences"] as? Int == 1)
        #expect(session["parent"] is NSNull)
        #expect(session["repetitions"] is NSNull)
        #expect(session["table"] is NSNull)
        #expect((session["columns"] as? [Any])?.isEmpty == true)
        let evidence = try #require(session["evidence"] as? [String: Any])
        #expect(evidence["action"] as? String == "error")
        #expect(evidence["state_kinds"] as? [String] == ["set"])
        #expect(evidence["statement"] == nil)
        let slow = findings[1]
        #expect(slow["kind"] as? String == "slow_query")
        #expect(slow["severity"] as? String == "warning")
        #expect(slow["time_ms"] as? Double == 300)
        #expect(slow["table"] as? String == "orders")
        #expect(slow["columns"] as? [String] == ["token"])
        #expect(slow["first_seen"] as? String == "2026-01-01T12:00:03Z")
        #expect((slow["evidence"] as? [String: Any])?["worst_parameters"] == nil)
    }

    @Test func parameterValuesOnlyWithCaptureAndCutTo200Bytes() throws {
        let root = try json(pipeline(captureParameters: true).report(at: EventFactory.epoch))
        let findings = try #require(root["findings"] as? [[String: Any]])
        let slowEvidence = try #require(findings[1]["evidence"] as? [String: Any])
        #expect(slowEvidence["worst_parameters"] as? [String] == [String(repeating: "s", count: 200)])
        let sessionEvidence = try #require(findings[0]["evidence"] as? [String: Any])
        #expect(sessionEvidence["statement"] as? String == "SET app.tenant = 'acme'")
        let text = String(decoding: try pipeline(captureParameters: false).report().jsonData(), as: UTF8.self)
        #expect(!text.contains("a@b.c"))
        #expect(!text.contains("acme"))
    }

    @Test func decodesBackToTheSameReport() throws {
        let report = pipeline(captureParameters: true).report(at: EventFactory.epoch.addingTimeInterval(60))
        #expect(try Report.decode(from: report.jsonData()) == report)
    }

    @Test func findingParentEncodesAsObject() throws {
        let parent = StatementNormalizer().normalize("select * from orders where user_id = 1")
        let finding = Finding(
            id: "n_plus_one-1", kind: .nPlusOne, severity: .warning, fingerprint: "00000000000000ff",
            query: "select * from items where order_id = $1", database: "app", applicationName: "api",
            occurrences: 2, repetitions: 25, timeMilliseconds: 12.5,
            parent: Finding.Parent(fingerprint: parent.fingerprint, query: parent.text), table: "items",
            columns: ["order_id"], suggestion: "Load items with one query per order batch.",
            evidence: ["bursts": .array([.number(25), .number(20)])], firstSeen: EventFactory.epoch,
            lastSeen: EventFactory.epoch)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(finding)) as? [String: Any])
        #expect(Set(object.keys) == Self.findingKeys)
        let parentObject = try #require(object["parent"] as? [String: Any])
        #expect(parentObject["fingerprint"] as? String == parent.fingerprint.hex)
        #expect(parentObject["query"] as? String == "select * from orders where user_id = $1")
        #expect(object["repetitions"] as? Int == 25)
        #expect(object["time_ms"] as? Double == 12.5)
        #expect((object["evidence"] as? [String: Any])?["bursts"] as? [Int] == [25, 20])
    }
}
