import Foundation

/// The report as plain text for a terminal (`pglens report --format text`): the window and the analysis
/// counters, the statements that cost the most time (each query whole, wrapped in its column), then every
/// finding with its suggestion.
public struct ReportTextRenderer: Sendable {
    /// Statements listed (by total time); 0 lists them all.
    public var statementLimit: Int
    /// Width of the query column of the statements table: longer queries wrap onto further lines.
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
        let ordered = statements.sorted { $0.totalMilliseconds > $1.totalMilliseconds }
        let shown = statementLimit > 0 ? ordered.prefix(statementLimit) : ordered[...]
        var lines = ["Top statements by total time (\(shown.count) of \(statements.count)):"]
        let header = ["total ms", "calls", "mean ms", "p95 ms", "rows", "err", "database", "application", "query"]
        var rows: [[String]] = [header]
        var queries: [[String]] = [[header[header.count - 1]]]
        for statement in shown {
            let wrapped = Self.wrapped(statement.query, width: queryWidth)
            queries.append(wrapped)
            rows.append([
                Self.number(statement.totalMilliseconds), "\(statement.calls)", Self.number(statement.meanMilliseconds),
                Self.number(statement.p95Milliseconds), "\(statement.rows)", "\(statement.errors)",
                statement.database, statement.applicationName.isEmpty ? "-" : statement.applicationName,
                wrapped[0],
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        // The query column starts after the others and their separators; its further lines start there too.
        let indent = String(repeating: " ", count: 2 + widths.dropLast().reduce(0) { $0 + $1 + 2 })
        for (row, query) in zip(rows, queries) {
            let cells = row.indices.map { column -> String in
                let cell = row[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                // Numbers right-aligned, text left-aligned; the last column is not padded.
                if column == row.count - 1 { return cell }
                return column < 6 ? padding + cell : cell + padding
            }
            lines.append("  " + cells.joined(separator: "  "))
            lines += query.dropFirst().map { indent + $0 }
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

    /// `text` on lines of at most `width` characters, broken at spaces (a longer word is cut), never empty.
    static func wrapped(_ text: String, width: Int) -> [String] {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let width = max(width, 10)
        var lines: [String] = []
        var line = ""
        for var word in words {
            while word.count > width {
                if !line.isEmpty { lines.append(line) }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
                line = ""
            }
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
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
