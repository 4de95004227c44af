/// A budget check's outcome as text for a terminal or a CI log (`pglens check`): one verdict line, a line
/// per kind checked, then each offending finding with its query, parent and fix.
public enum FindingBudgetText {
    /// The text, ending with a newline.
    public static func render(_ verdict: FindingBudget.Verdict) -> String {
        let offending = verdict.offending
        var lines: [String] = []
        let budget =
            "(\(verdict.budget.description)); \(MarkdownText.plural(verdict.findingsInReport, "finding")) in the report"
        if verdict.passed {
            lines.append("pglens check: passed, no finding over budget \(budget)")
        } else {
            lines.append(
                "pglens check: FAILED, \(MarkdownText.plural(offending.count, "finding")) over budget \(budget)")
        }
        for check in verdict.checks {
            lines.append(
                "  \(check.kind.rawValue): \(MarkdownText.plural(check.findings.count, "finding")), "
                    + "\(check.offending.count) over budget")
        }
        for finding in offending {
            lines.append("")
            lines.append("[\(finding.severity.rawValue)] \(headline(finding))")
            if !finding.query.isEmpty { lines.append("  query:  \(MarkdownText.oneLine(finding.query))") }
            if let parent = finding.parent { lines.append("  parent: \(MarkdownText.oneLine(parent.query))") }
            if case .object(let lineage) = finding.evidence["lineage"], case .string(let summary) = lineage["summary"] {
                lines.append("  lineage: \(summary)")
            }
            lines.append("  fix:    \(MarkdownText.oneLine(finding.suggestion))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `n_plus_one in app / shop: 2 occurrences, up to 20 repetitions, 12.30 ms (id ...)`.
    public static func headline(_ finding: Finding) -> String {
        let place = [finding.database, finding.applicationName].filter { !$0.isEmpty }.joined(separator: " / ")
        var text = finding.kind.rawValue + (place.isEmpty ? "" : " in \(place)")
        if let table = finding.table, !table.isEmpty { text += " on \(table)" }
        text += ": \(MarkdownText.plural(finding.occurrences, "occurrence"))"
        if let repetitions = finding.repetitions { text += ", up to \(MarkdownText.plural(repetitions, "repetition"))" }
        text += ", \(MarkdownText.milliseconds(finding.timeMilliseconds)) (id \(finding.id))"
        return text
    }
}
