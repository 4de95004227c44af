import Foundation
import PGLensAnalysis
import PGLensHTTP
import PGLensTop

/// One poll of a running pglens's HTTP API for `pglens top`: `GET /api/v1/report` and `GET /api/v1/status`
/// side by side.
struct TopPoller: Sendable {
    /// The API's base URL, without a trailing slash.
    var base: String
    /// The applications the view is restricted to (empty: all).
    var applications: [String]
    /// How long one request may take.
    var timeout: TimeInterval

    /// The two answers, or why neither could be had (the API cannot be reached).
    func sample() async -> Result<TopSample, TopProblem> {
        async let reportAnswer = fetch("/api/v1/report")
        async let statusAnswer = fetch("/api/v1/status")
        let (reportResult, statusResult) = await (reportAnswer, statusAnswer)
        if case .failure(let problem) = reportResult, case .failure = statusResult {
            return .failure(problem)
        }
        let report = reportResult.flatMap { answer in
            Self.part(answer, path: "/api/v1/report") { data in
                try Report.decode(from: data).restricted(toApplications: applications)
            }
        }
        let status = statusResult.flatMap { answer in
            Self.part(answer, path: "/api/v1/status") { data in
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .custom(Self.decodeDate)
                return try decoder.decode(ProxyStatus.self, from: data)
            }
        }
        return .success(TopSample(report: report, status: status, takenAt: Date()))
    }

    private func fetch(_ path: String) async -> Result<HTTPGetClient.Answer, TopProblem> {
        var client = HTTPGetClient()
        client.timeout = .milliseconds(Int64(timeout * 1000))
        do {
            return .success(try await client.get(base + path))
        } catch {
            return .failure(TopProblem("cannot reach \(base): \(error)"))
        }
    }

    /// An answer's body decoded, or the API's own words for why not (`{"error": ...}`).
    private static func part<Value>(
        _ answer: HTTPGetClient.Answer, path: String, decode: (Data) throws -> Value
    ) -> Result<Value, TopProblem> {
        guard answer.status == 200 else {
            if answer.status == 404, path == "/api/v1/status" {
                return .failure(TopProblem("this pglens does not serve \(path)"))
            }
            let message = (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["error"]
            return .failure(
                TopProblem(
                    "\(path) answered \(answer.status): \(message ?? String(decoding: answer.body.prefix(200), as: UTF8.self))"
                ))
        }
        do {
            return .success(try decode(answer.body))
        } catch {
            return .failure(TopProblem("\(path) did not answer with the expected JSON: \(error)"))
        }
    }

    /// RFC 3339 timestamps with or without fractional seconds.
    @Sendable private static func decodeDate(_ decoder: any Decoder) throws -> Date {
        let text = try decoder.singleValueContainer().decode(String.self)
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 date: \(text)"))
    }
}
