import ArgumentParser
import Foundation
import PGLensAnalysis

/// `pglens check`: the CI gate. Fails when the report's findings exceed a budget.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Fail (exit 1) when a report's findings exceed a budget: a CI gate for N+1 queries and more.",
        discussion: """
            Reads the report of a running pglens (--url) or a saved one (--report FILE) and checks the findings \
            of the kinds in --fail-on (default n_plus_one; `all` for every kind) at --min-severity or above \
            (default info); with --max-repetitions N, repeated-statement findings of N repetitions or fewer \
            pass (findings without repetitions, such as slow_query, fail whatever N is). Prints the offending \
            findings with their query, parent and fix; --format github prints GitHub Actions ::error \
            annotations instead; --junit FILE also writes JUnit XML (one testcase per kind checked).

            Exit status: 0 within budget, 1 budget exceeded, 2 the report could not be read (or the JUnit file \
            could not be written); 64 for invalid options.
            """
    )

    @OptionGroup var source: ReportSourceOptions

    @OptionGroup var budget: FindingBudgetOptions

    func run() async throws {
        let report: Report
        do {
            report = try await source.load()
        } catch {
            FileHandle.standardError.write(Data("pglens check: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard let verdict = budget.check(report, command: "pglens check") else { throw ExitCode(2) }
        if !verdict.passed { throw ExitCode(1) }
    }
}
