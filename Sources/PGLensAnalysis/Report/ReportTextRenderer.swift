import Foundation

/// The report as plain text for a terminal (`pglens report --format text`): the window and the analysis
/// counters, the statements that cost the most time, then every finding with its suggestion.
public struct ReportTextRenderer: Sendable {
    /// Statements listed (by total time).
    public var statementLimit: Int
    /// Characters of a normalized query shown in the statements table.
    public var queryWidth: Int

    /// Creates a renderer.
    public init(statementLimit: Int = 15, queryWidth: Int = 70) {
        self.statementLimit = statementLimit
        self.queryWidth = queryWidth
    }

    /// The text, ending with a newline.
    public func render(_ report: Report) -> String {
        var lines: [String] = []
        let seconds = max(0, report.window.endedAt.timeIntervalSince(report.window.startedAt))
        lines.append("pglens report: \(report.instance.id), pglens \(report.instance.version)")
        lines.append(
            "window: \(Self.timestamp(report.window.startedAt)) to \(Self.timestamp(report.window.endedAt))"
                + " (\(Self.duration(seconds)))")
        let analysis = report.analysis
        lines.append(
            "events: \(analysis.eventsReceived) analysed, \(analysis.eventsDropped) dropped; "
                + "\(report.statements.count) statements (\(analysis.statementsEvicted) evicted); "
                + "\(analysis.slowExecutions) slow executions")
        lines.append("")
        lines += statementLines(report.statements)
        lines.append("")
        lines += findingLines(report.findings)
        return lines.joined(separator: "\n") + "\n"
    }

    private func statementLines(_ statements: [StatementSummary]) -> [String] {
        guard !statements.isEmpty else { return ["No statements seen yet."] }
        let shown = statements.sorted { $0.totalMilliseconds > $1.totalMilliseconds }.prefix(statementLimit)
        var lines = ["Top statements by total time (\(shown.count) of \(statements.count)):"]
        let header = ["total ms", "calls", "mean ms", "p95 ms", "rows", "err", "database", "application", "query"]
        var rows: [[String]] = [header]
        for statement in shown {
            rows.append([
                Self.number(statement.totalMilliseconds), "\(statement.calls)", Self.number(statement.meanMilliseconds),
                Self.number(statement.p95Milliseconds), "\(statement.rows)", "\(statement.errors)",
                statement.database, statement.applicationName.isEmpty ? "-" : statement.applicationName,
                Self.shortened(statement.query, to: queryWidth),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.indices.map { column -> String in
                let cell = row[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                // Numbers right-aligned, text left-aligned; the last column is not padded.
                if column == row.count - 1 { return cell }
                return column < 6 ? padding + cell : cell + padding
            }
            lines.append("  " + cells.joined(separator: "  "))
        }
        return lines
    }

    private func findingLines(_ findings: [Finding]) -> [String] {
        guard !findings.isEmpty else { return ["No findings."] }
        var lines = ["Findings (\(findings.count)):"]
        for finding in findings {
            var place = "database \(finding.database)"
            if !finding.applicationName.isEmpty { place += ", application \(finding.applicationName)" }
            var counts = "\(finding.occurrences) occurrence(s), \(Self.number(finding.timeMilliseconds)) ms"
            if let repetitions = finding.repetitions {
                counts +=
                    [.repeatedAggregates, .sequentialQueries].contains(finding.kind)
                    ? ", up to \(repetitions) statements in one unit of work" : ", up to \(repetitions) in one burst"
            }
            lines.append("")
            lines.append("  [\(finding.severity.rawValue)] \(finding.kind.rawValue): \(place); \(counts)")
            lines.append("    query: \(finding.query)")
            if let parent = finding.parent {
                var rows = ""
                if case .number(let count) = finding.evidence["parent_rows"] { rows = " (\(Int(count)) rows)" }
                lines.append("    driven by: \(parent.query)\(rows)")
            }
            if case .object(let lineage) = finding.evidence["lineage"], case .string(let summary) = lineage["summary"] {
                lines.append("    lineage: \(summary)")
            }
            if let evidence = Self.burstEvidence(finding) { lines.append("    seen: \(evidence)") }
            lines.append("    fix: \(finding.suggestion)")
        }
        return lines
    }

    /// Bursts, their median, the connections and the round trips a fix saves, for repeated-statement
    /// findings.
    private static func burstEvidence(_ finding: Finding) -> String? {
        func number(_ key: String) -> Int? {
            if case .number(let value) = finding.evidence[key] { return Int(value) }
            return nil
        }
        guard let bursts = number("bursts"), let median = number("median_burst") else { return nil }
        var parts = ["\(bursts) burst(s), median \(median)"]
        if let connections = number("connections") { parts.append("on \(connections) connection(s)") }
        if let saved = number("round_trips_saved") { parts.append("\(saved) round trips a fix saves") }
        for tag in ["route", "controller", "action", "framework"] {
            if case .string(let value) = finding.evidence[tag], value != "unknown" { parts.append("\(tag) \(value)") }
        }
        return parts.joined(separator: "; ")
    }

    private static func shortened(_ text: String, to width: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.count > width, width > 3 else { return flat }
        return flat.prefix(width - 3) + "..."
    }

    private static func number(_ value: Double) -> String {
        if value >= 100 { return String(format: "%.0f", value) }
        return String(format: "%.2f", value)
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    private static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }
}
