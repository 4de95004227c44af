import Foundation
import PGLensAnalysis
import Testing

@testable import PGLensHTTP

@Suite struct ReportAPITests {
    static let clock = Date(timeIntervalSince1970: 1_767_268_800)

    static func pipeline() -> AnalysisPipeline {
        let pipeline = AnalysisPipeline(startedAt: clock)
        let normalizer = StatementNormalizer()
        func event(_ sql: String, milliseconds: Double, sequence: UInt64) -> StatementEvent {
            StatementEvent(
                clientConnectionID: 1, sequence: sequence, clientAddress: "127.0.0.1:5000", database: "app",
                user: "web", applicationName: "api", text: .normalized(normalizer.normalize(sql)),
                startMonotonicNanoseconds: sequence * 1_000_000_000,
                startedAt: clock.addingTimeInterval(Double(sequence)),
                durationNanoseconds: UInt64(milliseconds * 1_000_000), rows: 2)
        }
        // Three fast calls of one statement (most total time), one slow call of another (highest mean).
        pipeline.offer(event("SELECT * FROM users WHERE id = 1", milliseconds: 60, sequence: 0))
        pipeline.offer(event("SELECT * FROM users WHERE id = 2", milliseconds: 60, sequence: 1))
        pipeline.offer(event("SELECT * FROM users WHERE id = 3", milliseconds: 60, sequence: 2))
        pipeline.offer(event("SELECT count(*) FROM orders", milliseconds: 150, sequence: 3))
        pipeline.processPendingEvents()
        return pipeline
    }

    static func object(_ response: APIResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test func healthzAnswersWithoutAnalysis() throws {
        let response = ReportAPI(analysis: nil).respond(path: "/healthz", query: [:])
        #expect(response.status == 200)
        #expect(try Self.object(response)["status"] as? String == "ok")
    }

    @Test func analysisRoutesAnswer503WhenAnalysisIsOff() throws {
        let response = ReportAPI(analysis: nil).respond(path: "/api/v1/report", query: [:])
        #expect(response.status == 503)
        #expect((try Self.object(response)["error"] as? String)?.contains("analysis = false") == true)
    }

    @Test func unknownPathIs404() {
        #expect(ReportAPI(analysis: Self.pipeline()).respond(path: "/api/v2/report", query: [:]).status == 404)
    }

    @Test func reportFollowsTheContract() throws {
        let api = ReportAPI(analysis: Self.pipeline(), now: { Self.clock.addingTimeInterval(60) })
        let response = api.respond(path: "/api/v1/report/", query: [:])
        #expect(response.status == 200)
        #expect(response.contentType.hasPrefix("application/json"))
        let report = try Report.decode(from: response.body)
        #expect(report.schema == "pglens.report/v1")
        #expect(report.statements.map(\.calls) == [3, 1])
        #expect(report.statements.map(\.rows) == [6, 2])
        #expect(report.findings.map(\.kind) == [.slowQuery])
        #expect(report.analysis.eventsReceived == 4)
        #expect(report.generatedAt == Self.clock.addingTimeInterval(60))
    }

    @Test func statementsByTotalAndMeanTime() throws {
        let api = ReportAPI(analysis: Self.pipeline())
        let byTotal = try Self.object(api.respond(path: "/api/v1/statements", query: [:]))
        let byMean = try Self.object(
            api.respond(path: "/api/v1/statements", query: ["order": "mean_time", "limit": "1"]))
        let totalQueries = (byTotal["statements"] as? [[String: Any]])?.compactMap { $0["query"] as? String }
        let meanQueries = (byMean["statements"] as? [[String: Any]])?.compactMap { $0["query"] as? String }
        #expect(totalQueries == ["select * from users where id = $1", "select count(*) from orders"])
        #expect(meanQueries == ["select count(*) from orders"])
        #expect(byMean["order"] as? String == "mean_time")
    }

    @Test func badParametersAre400() {
        let api = ReportAPI(analysis: Self.pipeline())
        #expect(api.respond(path: "/api/v1/statements", query: ["order": "calls"]).status == 400)
        #expect(api.respond(path: "/api/v1/slow", query: ["limit": "-1"]).status == 400)
    }

    @Test func slowLogNewestFirst() throws {
        let body = try Self.object(ReportAPI(analysis: Self.pipeline()).respond(path: "/api/v1/slow", query: [:]))
        let executions = try #require(body["executions"] as? [[String: Any]])
        #expect(executions.count == 1)
        #expect(executions.first?["duration_ms"] as? Double == 150)
        #expect(executions.first?["client_addr"] as? String == "127.0.0.1:5000")
    }
}
