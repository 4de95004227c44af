import Foundation
import PGLensAnalysis

/// The routes of pglens's HTTP API, as a pure function of the request's path and query:
///
/// - `GET /healthz`: `{"status": "ok"}` while the proxy runs.
/// - `GET /api/v1/report`: the `pglens.report/v1` report.
/// - `GET /api/v1/statements?order=total_time|mean_time&limit=N`: statement statistics.
/// - `GET /api/v1/slow?limit=N`: the slowest executions kept, newest first.
///
/// Without analysis (`analysis = false`) the analysis routes answer 503.
public struct ReportAPI: Sendable {
    private let analysis: AnalysisPipeline?
    private let now: @Sendable () -> Date

    /// Creates the API over `analysis`; `now` dates the answers (a fixed clock in tests).
    public init(analysis: AnalysisPipeline?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.analysis = analysis
        self.now = now
    }

    /// The paths the API serves.
    public static let paths = ["/healthz", "/api/v1/report", "/api/v1/statements", "/api/v1/slow"]

    /// The answer to `GET path?query`.
    public func respond(path: String, query: [String: String]) -> APIResponse {
        let path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        if path == "/healthz" {
            return .json(Data(#"{"status":"ok"}"#.utf8))
        }
        guard Self.paths.contains(path) else {
            return .error("no such endpoint: \(path); try " + Self.paths.joined(separator: ", "), status: 404)
        }
        guard let analysis else {
            return .error("analysis is off (analysis = false in the configuration)", status: 503)
        }
        var limit = Int.max
        if let text = query["limit"] {
            guard let value = Int(text), value >= 0 else {
                return .error("limit must be a whole number, 0 or more", status: 400)
            }
            limit = value
        }
        do {
            switch path {
            case "/api/v1/report":
                return .json(try analysis.report(at: now()).jsonData())
            case "/api/v1/statements":
                let order = query["order"] ?? "total_time"
                let statements: [StatementSummary]
                switch order {
                case "total_time": statements = analysis.statements(limit: limit)
                case "mean_time": statements = analysis.statementsByMeanTime(limit: limit)
                default: return .error("order must be total_time or mean_time", status: 400)
                }
                return .json(
                    try Self.encode(StatementListing(order: order, generatedAt: now(), statements: statements)))
            default:
                let executions = Array(analysis.slowExecutions().reversed().prefix(limit))
                return .json(try Self.encode(SlowExecutionListing(generatedAt: now(), executions: executions)))
            }
        } catch {
            return .error("could not encode the answer: \(error)", status: 500)
        }
    }

    private static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }
}
