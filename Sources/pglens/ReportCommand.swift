import ArgumentParser
import Foundation
import PGLensAnalysis
import PGLensHTTP

/// `pglens report`: fetch the report from a running pglens's HTTP API and print it.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the report of a running pglens (statement statistics and findings).",
        discussion: """
            Reads GET /api/v1/report from the HTTP API that `pglens serve` runs on admin_http_listen \
            (default 127.0.0.1:9930). --format json prints the pglens.report/v1 document; --format text a \
            summary for the terminal: the --limit statements with the most total time, their queries whole \
            and wrapped, then every finding with its fix.
            """
    )

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    @Option(name: .long, help: "The HTTP API of the running pglens.")
    var url = "http://127.0.0.1:9930"

    @Option(name: .long, help: "json or text.")
    var format = Format.text

    @Option(name: .long, help: "Write to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Statements listed by --format text, by total time (0: all of them).")
    var limit = 15

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let answer: HTTPGetClient.Answer
        do {
            answer = try await HTTPGetClient().get(base + "/api/v1/report")
        } catch {
            fail("pglens report: \(error)")
        }
        guard answer.status == 200 else {
            let message = (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["error"]
            fail(
                "pglens report: \(base) answered \(answer.status): \(message ?? String(decoding: answer.body, as: UTF8.self))"
            )
        }
        let text: String
        switch format {
        case .json:
            guard let object = try? JSONSerialization.jsonObject(with: answer.body),
                let pretty = try? JSONSerialization.data(
                    withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            else { fail("pglens report: \(base) did not answer with JSON") }
            text = String(decoding: pretty, as: UTF8.self) + "\n"
        case .text:
            do {
                text = ReportTextRenderer(statementLimit: limit).render(try Report.decode(from: answer.body))
            } catch {
                fail("pglens report: the answer of \(base) is not a pglens.report/v1 document: \(error)")
            }
        }
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } catch {
                fail("pglens report: cannot write \(output): \(error)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(1)
    }
}
