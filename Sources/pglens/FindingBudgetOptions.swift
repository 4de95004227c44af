import ArgumentParser
import Foundation
import PGLensAnalysis

/// The budget of `pglens check` and `pglens run`: the kinds that fail, the least severity that counts, the
/// repetitions allowed, and how the outcome is written (text or GitHub annotations, JUnit XML).
struct FindingBudgetOptions: ParsableArguments {
    /// Output formats of the outcome.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, github
    }

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Finding kinds that fail the check, comma-separated (repeatable); `all` for every kind.",
            valueName: "kinds"))
    var failOn: [String] = []

    @Option(name: .customLong("min-severity"), help: "info, warning or critical: less severe findings pass.")
    var minSeverity = "info"

    @Option(
        name: .customLong("max-repetitions"),
        help: "Repeated-statement findings with at most this many repetitions in one unit of work pass.")
    var maxRepetitions: Int?

    @Option(name: .long, help: "text or github (GitHub Actions annotations).")
    var format = Format.text

    @Option(name: .long, help: ArgumentHelp("Also write the outcome as JUnit XML to this file.", valueName: "file"))
    var junit: String?

    func validate() throws {
        guard FindingSeverity(rawValue: minSeverity) != nil else {
            throw ValidationError("--min-severity must be info, warning or critical, not \(minSeverity)")
        }
        if let maxRepetitions, maxRepetitions < 0 { throw ValidationError("--max-repetitions must be 0 or more") }
        if !failOn.isEmpty, FindingBudget.kinds(fromList: failOn).isEmpty {
            throw ValidationError("--fail-on names no finding kind")
        }
    }

    /// The budget the options describe (default: fail on any `n_plus_one`).
    var budget: FindingBudget {
        FindingBudget(
            kinds: failOn.isEmpty ? [.nPlusOne] : FindingBudget.kinds(fromList: failOn),
            minimumSeverity: FindingSeverity(rawValue: minSeverity) ?? .info, maximumRepetitions: maxRepetitions)
    }

    /// Applies the budget to `report`, prints the outcome and writes the JUnit file.
    /// - Returns: the verdict, or nil when the JUnit file could not be written (said on standard error).
    func check(_ report: Report, command: String) -> FindingBudget.Verdict? {
        let verdict = budget.evaluate(report)
        let text: String
        switch format {
        case .text: text = FindingBudgetText.render(verdict)
        case .github: text = GitHubAnnotations.render(verdict)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
        if let junit {
            do {
                try Data(JUnitReport.render(verdict, report: report).utf8).write(to: URL(fileURLWithPath: junit))
            } catch {
                FileHandle.standardError.write(Data("\(command): cannot write \(junit): \(error)\n".utf8))
                return nil
            }
        }
        return verdict
    }
}
