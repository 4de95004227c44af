/// A budget check's outcome as JUnit XML (`pglens check --junit FILE`), which CI systems show as tests:
/// one `testsuite` named `pglens check`, one `testcase` per kind checked, and in a failing one a
/// `failure` whose text lists each offending finding with its query, parent and fix.
///
/// The text depends on the verdict and the report's own timestamp only, so two checks of one report
/// write the same file.
public enum JUnitReport {
    /// The XML document, ending with a newline.
    public static func render(_ verdict: FindingBudget.Verdict, report: Report) -> String {
        let failures = verdict.checks.filter { !$0.passed }.count
        let tests = verdict.checks.count
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="pglens check" tests="\#(tests)" failures="\#(failures)" errors="0">"#,
            #"  <testsuite name="pglens check" tests="\#(tests)" failures="\#(failures)" errors="0" skipped="0" "#
                + #"timestamp="\#(MarkdownText.timestamp(report.generatedAt))" "#
                + #"hostname="\#(attribute(report.instance.id))">"#,
            #"    <properties>"#,
            #"      <property name="budget" value="\#(attribute(verdict.budget.description))"/>"#,
            #"      <property name="findings_in_report" value="\#(verdict.findingsInReport)"/>"#,
            #"    </properties>"#,
        ]
        for check in verdict.checks {
            let name = attribute(check.kind.rawValue)
            let open = #"    <testcase classname="pglens.findings" name="\#(name)" time="0""#
            guard !check.passed else {
                lines.append(open + "/>")
                continue
            }
            lines.append(open + ">")
            let message =
                "\(MarkdownText.plural(check.offending.count, "finding")) of \(check.kind.rawValue) over budget "
                + "(\(verdict.budget.description))"
            lines.append(#"      <failure type="\#(name)" message="\#(attribute(message))">"#)
            var body: [String] = []
            for finding in check.offending {
                body.append("[\(finding.severity.rawValue)] \(FindingBudgetText.headline(finding))")
                if !finding.query.isEmpty { body.append("  query:  \(finding.query)") }
                if let parent = finding.parent { body.append("  parent: \(parent.query)") }
                body.append("  fix:    \(finding.suggestion)")
                body.append("")
            }
            lines.append(text(body.joined(separator: "\n")) + "</failure>")
            lines.append("    </testcase>")
        }
        lines += ["  </testsuite>", "</testsuites>"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Character data: `&`, `<` and `>` escaped, characters XML 1.0 cannot hold replaced by U+FFFD.
    static func text(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let allowed = scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
                result.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return result
    }

    /// An attribute value between double quotes: also quotes and line breaks escaped.
    static func attribute(_ value: String) -> String {
        text(value).replacing("\"", with: "&quot;").replacing("\n", with: "&#10;").replacing("\r", with: "&#13;")
            .replacing("\t", with: "&#9;")
    }
}
