/// One finding's section of the Markdown audit: what was seen (the query, its parent, the counts, the
/// statement's timings from `statements[]`, the lineage, the plan excerpt and the rest of the evidence),
/// why it matters, and the fix.
struct FindingSection {
    /// The finding.
    var finding: Finding
    /// Its place in the audit, from 1.
    var number: Int
    /// The report it comes from, for the statement statistics it joins by fingerprint.
    var report: Report

    /// Evidence keys shown in their own place, not repeated in the evidence table.
    private static let shownApart: Set<String> = [
        "parent_rows", "lineage", "bursts", "largest_burst", "median_burst", "connections", "round_trips_saved",
        "framework", "route", "controller", "action", "plan_excerpt", "rewrite", "queries",
    ]

    /// The section's lines, from its heading.
    var lines: [String] {
        var title = "### \(number). \(FindingRationale.title(of: finding.kind))"
        if let table = finding.table, !table.isEmpty { title += " on \(MarkdownText.code(table))" }
        var place = "**\(finding.severity.rawValue)** · \(MarkdownText.code(finding.kind.rawValue))"
        if !finding.database.isEmpty { place += " · database \(MarkdownText.code(finding.database))" }
        if !finding.applicationName.isEmpty { place += " · application \(MarkdownText.code(finding.applicationName))" }
        place += " · id \(MarkdownText.code(finding.id))"
        var lines = [title, "", place, "", "#### What was seen", ""]
        lines += seen
        lines += ["", "#### Why it matters", "", FindingRationale.why(finding.kind), "", "#### Fix", ""]
        lines += fix
        return lines
    }

    private var seen: [String] {
        var lines: [String] = []
        if !finding.query.isEmpty { lines += MarkdownText.codeBlock(finding.query, language: "sql") + [""] }
        var facts = [counts]
        if !finding.columns.isEmpty {
            facts.append("Columns: " + finding.columns.map(MarkdownText.code).joined(separator: ", ") + ".")
        }
        lines += facts.map { "- " + $0 }
        if let parent = finding.parent {
            var sentence = "- Driven by the rows of this statement"
            if let rows = integer("parent_rows") { sentence += " (\(MarkdownText.plural(rows, "row")))" }
            lines += [sentence + ":", ""] + MarkdownText.codeBlock(parent.query, language: "sql").map { "  " + $0 }
            lines.append("")
        }
        if case .object(let lineage) = finding.evidence["lineage"], case .string(let summary) = lineage["summary"] {
            lines.append("- Lineage: \(summary).")
        }
        if let bursts = burstLine { lines.append("- " + bursts) }
        lines += statistics
        if case .array(let queries) = finding.evidence["queries"], !queries.isEmpty {
            let texts = queries.map(MarkdownText.evidenceValue)
            lines += ["", "The statements of the largest unit of work:", ""]
            lines += MarkdownText.codeBlock(
                texts.map { $0.hasSuffix(";") ? $0 : $0 + ";" }.joined(separator: "\n"), language: "sql")
        }
        if case .string(let plan) = finding.evidence["plan_excerpt"], !plan.isEmpty {
            lines += ["", "Plan excerpt (generic plan, no parameter values):", ""]
            lines += MarkdownText.codeBlock(plan, language: "text")
        }
        lines += evidenceTable
        return lines
    }

    private var counts: String {
        let repeatedKinds: Set<String> = ["n_plus_one", "repeated_insert", "duplicate_query"]
        var text = MarkdownText.plural(finding.occurrences, "occurrence")
        if repeatedKinds.contains(finding.kind.rawValue) { text += " (units of work)" }
        if let repetitions = finding.repetitions {
            text +=
                ["repeated_aggregates", "sequential_queries"].contains(finding.kind.rawValue)
                ? ", up to \(MarkdownText.plural(repetitions, "statement")) in one unit of work"
                : ", up to \(MarkdownText.plural(repetitions, "execution")) in one"
        }
        text += ", \(MarkdownText.milliseconds(finding.timeMilliseconds)) in the pattern"
        let first = MarkdownText.timestamp(finding.firstSeen)
        let last = MarkdownText.timestamp(finding.lastSeen)
        // Findings of the catalog (an index, a foreign key) cost no measured time: say where they come from.
        if finding.query.isEmpty, finding.timeMilliseconds == 0 {
            return "Found in the catalog read at \(last) (no statement time of its own)."
        }
        text += first == last ? "; seen at \(first)." : "; first seen \(first), last seen \(last)."
        return text
    }

    private var burstLine: String? {
        guard let bursts = integer("bursts") else { return nil }
        var parts = ["Bursts: \(MarkdownText.count(bursts))"]
        if let largest = integer("largest_burst") { parts.append("largest \(MarkdownText.count(largest))") }
        if let median = integer("median_burst") { parts.append("median \(MarkdownText.count(median))") }
        if let connections = integer("connections") {
            parts.append("on \(MarkdownText.plural(connections, "connection"))")
        }
        if let saved = integer("round_trips_saved") {
            parts.append("\(MarkdownText.plural(saved, "round trip")) a fix saves")
        }
        for tag in ["framework", "route", "controller", "action"] {
            if case .string(let value) = finding.evidence[tag], !value.isEmpty, value != "unknown" {
                parts.append("\(tag) \(MarkdownText.code(value))")
            }
        }
        return parts.joined(separator: "; ") + "."
    }

    /// The statement's rows of `statements[]` (same fingerprint, database and application), one per user.
    private var statistics: [String] {
        let matching = report.statements.filter {
            $0.fingerprint.hex == finding.fingerprint && $0.database == finding.database
                && (finding.applicationName.isEmpty || $0.applicationName == finding.applicationName)
        }.sorted { ($0.user, $0.applicationName) < ($1.user, $1.applicationName) }
        guard !matching.isEmpty else { return [] }
        let rows = matching.map { statement -> [String] in
            [
                MarkdownText.cell(statement.user), MarkdownText.count(statement.calls),
                MarkdownText.count(statement.rows),
                MarkdownText.count(statement.errors), MarkdownText.milliseconds(statement.totalMilliseconds),
                MarkdownText.milliseconds(statement.meanMilliseconds),
                MarkdownText.milliseconds(statement.p50Milliseconds),
                MarkdownText.milliseconds(statement.p95Milliseconds),
                MarkdownText.milliseconds(statement.p99Milliseconds),
                MarkdownText.milliseconds(statement.maxMilliseconds),
            ]
        }
        var lines = [""]
        if finding.query.isEmpty {
            // The finding names no query of its own (a foreign key): show the statement it points to.
            lines += ["The statement it concerns most:", ""]
            lines += MarkdownText.codeBlock(matching[0].query, language: "sql") + [""]
        }
        let fingerprint = MarkdownText.code(finding.fingerprint)
        lines += ["Over the whole window (`statements[]`, fingerprint \(fingerprint)):", ""]
        return lines
            + MarkdownText.table(
                ["User", "Calls", "Rows", "Errors", "Total", "Mean", "p50", "p95", "p99", "Max"],
                rightAligned: [false] + Array(repeating: true, count: 9), rows: rows)
    }

    private var evidenceTable: [String] {
        let keys = finding.evidence.keys.filter { !Self.shownApart.contains($0) }.sorted()
        guard !keys.isEmpty else { return [] }
        let rows = keys.map { key in
            [MarkdownText.code(key), MarkdownText.cell(MarkdownText.evidenceValue(finding.evidence[key]!))]
        }
        return ["", "Evidence:", ""]
            + MarkdownText.table(["Field", "Value"], rightAligned: [false, false], rows: rows)
    }

    private var fix: [String] {
        let fix = FindingFix(finding)
        var lines: [String] = []
        if !fix.prose.isEmpty { lines.append(fix.prose) }
        if !fix.statements.isEmpty {
            lines += [""] + MarkdownText.codeBlock(fix.statements.joined(separator: "\n\n"), language: "sql")
        }
        if let migration = fix.migration {
            lines += ["", "Migration:", ""] + MarkdownText.codeBlock(migration, language: fix.migrationLanguage)
        }
        return lines.isEmpty ? ["The report gives no fix for this finding."] : lines
    }

    private func integer(_ key: String) -> Int? {
        if case .number(let value) = finding.evidence[key], value.isFinite { return Int(value) }
        return nil
    }
}
