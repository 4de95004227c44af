import ArgumentParser
import Foundation
import PGLensAnalysis
import PGLensHTTP

/// Where `pglens audit` and `pglens check` read the report: a running pglens's HTTP API (`--url`) or a
/// saved `pglens.report/v1` JSON file (`--report`), restricted to some applications (`--application`).
struct ReportSourceOptions: ParsableArguments {
    /// Why the report could not be read.
    struct Unreadable: Error, CustomStringConvertible {
        /// What went wrong, for standard error.
        var description: String
    }

    @Option(name: .long, help: "The HTTP API of a running pglens (GET /api/v1/report).")
    var url = "http://127.0.0.1:9930"

    @Option(
        name: .long,
        help: ArgumentHelp("A saved pglens.report/v1 JSON file to read instead of --url.", valueName: "file"))
    var report: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only the statements and findings of this application_name (repeat for several).", valueName: "name"))
    var application: [String] = []

    /// What the report was restricted to, for the audit's header.
    var scope: String? {
        guard !application.isEmpty else { return nil }
        return (application.count == 1 ? "application " : "applications ")
            + application.map { "`\($0)`" }.joined(separator: ", ")
    }

    /// Reads the report and restricts it to `--application`.
    func load() async throws(Unreadable) -> Report {
        let data: Data
        let origin: String
        if let report {
            origin = report
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: report))
            } catch {
                throw Unreadable(description: "cannot read \(report): \(error.localizedDescription)")
            }
        } else {
            let base = url.hasSuffix("/") ? String(url.dropLast()) : url
            origin = base
            let answer: HTTPGetClient.Answer
            do {
                answer = try await HTTPGetClient().get(base + "/api/v1/report")
            } catch {
                throw Unreadable(description: "\(error)")
            }
            guard answer.status == 200 else {
                let body = String(decoding: answer.body.prefix(500), as: UTF8.self)
                throw Unreadable(description: "\(base) answered \(answer.status): \(body)")
            }
            data = answer.body
        }
        let decoded: Report
        do {
            decoded = try Report.decode(from: data)
        } catch {
            throw Unreadable(description: "\(origin) is not a \(Report.schemaName) document: \(error)")
        }
        guard decoded.schema == Report.schemaName else {
            throw Unreadable(description: "\(origin) follows schema \(decoded.schema), not \(Report.schemaName)")
        }
        return decoded.restricted(toApplications: application)
    }
}
