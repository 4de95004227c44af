import ArgumentParser
import Foundation
import PGLensAnalysis

/// `pglens audit`: the Markdown audit of a running pglens's report or of a saved one.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Write a Markdown audit of the traffic pglens saw: findings with their evidence and fix.",
        discussion: """
            Reads the report of a running pglens (--url, GET /api/v1/report) or a saved one (--report FILE, \
            as `pglens report --format json` writes it) and writes the audit: the window, instance and traffic, \
            a summary of the findings by severity with the time each costs, one section per finding (most \
            costly first: the normalized query, its parent, counts, timings, lineage, plan excerpt; why it \
            matters; the fix), then the statements with the most total time. The text depends on the report \
            only, so audits of two runs diff cleanly.

            Exit status: 0 written, 1 the output could not be written, 2 the report could not be read.
            """
    )

    @OptionGroup var source: ReportSourceOptions

    @Option(
        name: .long, help: ArgumentHelp("Write the audit to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: "Statements listed in the closing table, by total time.")
    var statements = 20

    func validate() throws {
        guard statements >= 0 else { throw ValidationError("--statements must be 0 or more") }
    }

    func run() async throws {
        let report: Report
        do {
            report = try await source.load()
        } catch {
            FileHandle.standardError.write(Data("pglens audit: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let text = MarkdownAuditRenderer(statementLimit: statements, scope: source.scope).render(report)
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            FileHandle.standardError.write(Data("pglens audit: cannot write \(output): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
