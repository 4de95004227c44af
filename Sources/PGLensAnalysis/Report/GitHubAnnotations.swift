/// A budget check's outcome as GitHub Actions workflow commands (`pglens check --format github`): an
/// `::error` annotation per offending finding, a `::notice` when the check passes, and the verdict line.
///
/// Values are escaped as the runner expects (`%`, CR and LF in messages; also `:` and `,` in properties),
/// so a query's line breaks stay inside its annotation.
public enum GitHubAnnotations {
    /// The commands, one a line, ending with a newline.
    public static func render(_ verdict: FindingBudget.Verdict) -> String {
        var lines: [String] = []
        for finding in verdict.offending {
            var message = [FindingBudgetText.headline(finding)]
            if !finding.query.isEmpty { message.append("query: \(finding.query)") }
            if let parent = finding.parent { message.append("parent: \(parent.query)") }
            message.append("fix: \(finding.suggestion)")
            let title = "pglens \(finding.kind.rawValue) (\(finding.severity.rawValue))"
            lines.append("::error title=\(property(title))::\(data(message.joined(separator: "\n")))")
        }
        let summary = FindingBudgetText.render(verdict).split(separator: "\n").first.map(String.init) ?? ""
        if verdict.passed { lines.append("::notice title=pglens check::\(data(summary))") }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// A command's message, escaped.
    static func data(_ text: String) -> String {
        text.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }

    /// A command's property value, escaped.
    static func property(_ text: String) -> String {
        data(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }
}
