import Foundation

/// The report as a Markdown audit (`pglens audit`): the document engineers write by hand after looking at a
/// database's traffic, written from what pglens measured.
///
/// A header (window, instance, traffic, applications and databases), a summary of the findings by
/// severity with the time each costs, one section per finding (most costly first: what was seen, why it
/// matters, the fix), then the statements with the most total time. The text depends on the report only:
/// everything is sorted, no clock is read, so two audits of one report are byte for byte the same and
/// audits of two runs diff line by line. Queries are the report's normalized text; parameter values
/// appear only where the report holds them (`capture_parameters = true`).
public struct MarkdownAuditRenderer: Sendable {
    /// Statements listed in the closing table (by total time).
    public var statementLimit: Int
    /// Characters of a normalized query shown in a table cell; sections show queries whole.
    public var tableQueryWidth: Int
    /// What the report was restricted to before rendering (`application demo-shop`), said in the header.
    public var scope: String?

    /// Creates a renderer.
    public init(statementLimit: Int = 20, tableQueryWidth: Int = 160, scope: String? = nil) {
        self.statementLimit = statementLimit
        self.tableQueryWidth = tableQueryWidth
        self.scope = scope
    }

    /// The audit, ending with a newline.
    public func render(_ report: Report) -> String {
        let findings = Self.costliestFirst(report.findings)
        var lines = header(report)
        lines += [""] + summary(findings)
        if !findings.isEmpty {
            lines += ["", "## Findings"]
            for (index, finding) in findings.enumerated() {
                lines += [""] + FindingSection(finding: finding, number: index + 1, report: report).lines
            }
        }
        lines += [""] + topStatements(report.statements)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Findings by the time they cost (most first), then severity, kind and id, so ties keep one order.
    public static func costliestFirst(_ findings: [Finding]) -> [Finding] {
        findings.sorted { left, right in
            if left.timeMilliseconds != right.timeMilliseconds { return left.timeMilliseconds > right.timeMilliseconds }
            if left.severity != right.severity { return left.severity > right.severity }
            if left.kind.rawValue != right.kind.rawValue { return left.kind.rawValue < right.kind.rawValue }
            return left.id < right.id
        }
    }

    private func header(_ report: Report) -> [String] {
        let window = report.window
        let statements = report.statements
        let calls = statements.reduce(UInt64(0)) { $0 + $1.calls }
        let total = statements.reduce(0.0) { $0 + $1.totalMilliseconds }
        let rows = statements.reduce(UInt64(0)) { $0 + $1.rows }
        let errors = statements.reduce(UInt64(0)) { $0 + $1.errors }
        var lines = [
            "# Database audit: \(report.instance.id)", "",
            "Written by `pglens audit` from the \(report.schema) report that pglens \(report.instance.version) "
                + "generated at \(MarkdownText.timestamp(report.generatedAt)). Queries are normalized: constants "
                + "and parameters appear as `$1, $2, ...`.",
        ]
        if let scope { lines += ["", "Restricted to \(scope)."] }
        let seconds = window.endedAt.timeIntervalSince(window.startedAt)
        let analysis = report.analysis
        var facts: [[String]] = [
            [
                "Window",
                "\(MarkdownText.timestamp(window.startedAt)) to \(MarkdownText.timestamp(window.endedAt)) "
                    + "(\(MarkdownText.duration(seconds: seconds)))",
            ],
            ["Instance", "\(MarkdownText.code(report.instance.id)), pglens \(report.instance.version)"],
            [
                "Traffic",
                "\(MarkdownText.plural(calls, "call")) of \(MarkdownText.plural(statements.count, "normalized statement")), "
                    + "\(MarkdownText.milliseconds(total)) in all, \(MarkdownText.plural(rows, "row")), "
                    + MarkdownText.plural(errors, "error"),
            ],
            ["Applications", Self.breakdown(statements, by: \.applicationName)],
            ["Databases", Self.breakdown(statements, by: \.database)],
            [
                "Analysis",
                "\(MarkdownText.plural(analysis.eventsReceived, "event")) analysed, "
                    + "\(MarkdownText.count(analysis.eventsDropped)) dropped, "
                    + "\(MarkdownText.plural(analysis.statementsEvicted, "statement")) evicted, "
                    + MarkdownText.plural(analysis.slowExecutions, "slow execution"),
            ],
        ]
        facts = facts.map { [$0[0], MarkdownText.cell($0[1])] }
        lines += [""] + MarkdownText.table(["Measured", "Value"], rightAligned: [false, false], rows: facts)
        return lines
    }

    /// `` `demo-shop` (1 200 calls, 85.3 ms), `pgbench` (...) ``: each value's calls and time, most time first.
    private static func breakdown(_ statements: [StatementSummary], by key: KeyPath<StatementSummary, String>) -> String
    {
        var totals: [String: (calls: UInt64, milliseconds: Double)] = [:]
        for statement in statements {
            let name = statement[keyPath: key]
            let current = totals[name] ?? (0, 0)
            totals[name] = (current.calls + statement.calls, current.milliseconds + statement.totalMilliseconds)
        }
        guard !totals.isEmpty else { return "none seen" }
        let ordered = totals.sorted { left, right in
            left.value.milliseconds != right.value.milliseconds
                ? left.value.milliseconds > right.value.milliseconds : left.key < right.key
        }
        return ordered.map { name, total in
            let label = name.isEmpty ? "(none)" : MarkdownText.code(name)
            return
                "\(label) (\(MarkdownText.plural(total.calls, "call")), \(MarkdownText.milliseconds(total.milliseconds)))"
        }.joined(separator: ", ")
    }

    private func summary(_ findings: [Finding]) -> [String] {
        var lines = ["## Summary", ""]
        guard !findings.isEmpty else {
            return lines + ["No findings: pglens saw nothing to fix in this window."]
        }
        var rows: [[String]] = []
        for severity in [FindingSeverity.critical, .warning, .info] {
            let matching = findings.filter { $0.severity == severity }
            var kinds: [String: Int] = [:]
            for finding in matching { kinds[finding.kind.rawValue, default: 0] += 1 }
            let kindList = kinds.keys.sorted().map { "\(MarkdownText.code($0)) (\(kinds[$0]!))" }
            rows.append([
                severity.rawValue, MarkdownText.count(matching.count),
                MarkdownText.milliseconds(matching.reduce(0) { $0 + $1.timeMilliseconds }),
                kindList.isEmpty ? "" : kindList.joined(separator: ", "),
            ])
        }
        rows.append([
            "**all**", "**\(MarkdownText.count(findings.count))**",
            "**\(MarkdownText.milliseconds(findings.reduce(0) { $0 + $1.timeMilliseconds }))**", "",
        ])
        lines += MarkdownText.table(
            ["Severity", "Findings", "Time in the pattern", "Kinds"], rightAligned: [false, true, true, false],
            rows: rows)
        lines += [
            "", "One statement can be in several findings (an N+1 that is also slow), so their times overlap.",
            "", "Most costly first:", "",
        ]
        let index = findings.enumerated().map { offset, finding -> [String] in
            let place = [finding.database, finding.applicationName].filter { !$0.isEmpty }.map(MarkdownText.code)
            let subject = finding.query.isEmpty ? (finding.table ?? "") : finding.query
            return [
                "\(offset + 1)", finding.severity.rawValue, MarkdownText.code(finding.kind.rawValue),
                place.joined(separator: " / "), MarkdownText.milliseconds(finding.timeMilliseconds),
                subject.isEmpty ? "" : MarkdownText.cell(MarkdownText.code(MarkdownText.shortened(subject, to: 80))),
            ]
        }
        lines += MarkdownText.table(
            ["#", "Severity", "Kind", "Where", "Time", "Statement or table"],
            rightAligned: [true, false, false, false, true, false], rows: index)
        return lines
    }

    private func topStatements(_ statements: [StatementSummary]) -> [String] {
        var lines = ["## Top statements by total time", ""]
        guard !statements.isEmpty else { return lines + ["No statements seen in this window."] }
        let ordered = statements.sorted { left, right in
            if left.totalMilliseconds != right.totalMilliseconds {
                return left.totalMilliseconds > right.totalMilliseconds
            }
            return (left.fingerprint.hex, left.database, left.user, left.applicationName)
                < (right.fingerprint.hex, right.database, right.user, right.applicationName)
        }
        let shown = ordered.prefix(max(0, statementLimit))
        lines.append(
            "\(shown.count) of \(MarkdownText.plural(statements.count, "statement")), times measured at the proxy.")
        lines.append("")
        let rows = shown.enumerated().map { offset, statement -> [String] in
            [
                "\(offset + 1)", MarkdownText.milliseconds(statement.totalMilliseconds),
                MarkdownText.count(statement.calls), MarkdownText.milliseconds(statement.meanMilliseconds),
                MarkdownText.milliseconds(statement.p95Milliseconds),
                MarkdownText.milliseconds(statement.p99Milliseconds),
                MarkdownText.count(statement.rows), MarkdownText.count(statement.errors),
                MarkdownText.cell(statement.database),
                statement.applicationName.isEmpty ? "" : MarkdownText.cell(statement.applicationName),
                MarkdownText.cell(MarkdownText.code(MarkdownText.shortened(statement.query, to: tableQueryWidth))),
            ]
        }
        lines += MarkdownText.table(
            ["#", "Total", "Calls", "Mean", "p95", "p99", "Rows", "Errors", "Database", "Application", "Statement"],
            rightAligned: [true, true, true, true, true, true, true, true, false, false, false], rows: rows)
        return lines
    }
}
