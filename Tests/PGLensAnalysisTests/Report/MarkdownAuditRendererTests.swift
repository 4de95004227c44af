import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct MarkdownAuditRendererTests {
    private static let audit = MarkdownAuditRenderer().render(SyntheticReport.make())
    private static let lines = audit.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

    /// The lines of finding section `number`, from its heading to the next one.
    private static func section(_ number: Int) -> [String] {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("### \(number). ") }) else { return [] }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("### ") || $0.hasPrefix("## ") } ?? lines.count
        return Array(lines[start..<end])
    }

    @Test func headerHasWindowInstanceTrafficApplicationsAndDatabases() {
        #expect(Self.lines[0] == "# Database audit: db-host:6432")
        #expect(Self.audit.contains("| Window | 2026-01-01T12:00:00Z to 2026-01-01T12:02:05Z (2 min 5 s) |"))
        #expect(Self.audit.contains("| Instance | `db-host:6432`, pglens 0.5.0-test |"))
        #expect(
            Self.audit.contains("| Traffic | 67 calls of 3 normalized statements, 526.0 ms in all, 67 rows, 0 errors |")
        )
        // Applications by time: reports (480 ms) before shop (46 ms).
        #expect(Self.audit.contains("| Applications | `reports` (4 calls, 480.0 ms), `shop` (63 calls, 46.0 ms) |"))
        #expect(Self.audit.contains("| Databases | `app` (67 calls, 526.0 ms) |"))
        #expect(Self.audit.contains("generated at 2026-01-01T12:02:05Z"))
    }

    @Test func summaryCountsFindingsAndTimeBySeverity() {
        #expect(Self.audit.contains("| critical | 1 | 42.5 ms | `n_plus_one` (1) |"))
        #expect(Self.audit.contains("| warning | 2 | 960.0 ms | `missing_index` (1), `slow_query` (1) |"))
        #expect(Self.audit.contains("| info | 2 | 1.50 ms | `duplicate_query` (1), `unused_index` (1) |"))
        #expect(Self.audit.contains("| **all** | **5** | **1 004 ms** |  |"))
    }

    @Test func sectionsComeMostCostlyFirstWithStableTies() {
        let headings = Self.lines.filter { $0.hasPrefix("### ") }
        #expect(
            headings == [
                "### 1. Missing index on `public.events`", "### 2. Slow query on `events`",
                "### 3. N+1 query on `customers`", "### 4. Same query, same values, run again",
                "### 5. Unused index on `public.events`",
            ])
    }

    @Test func nPlusOneSectionShowsQueryParentCountsLineageStatisticsAndFix() {
        let section = Self.section(3)
        let text = section.joined(separator: "\n")
        #expect(section.contains("**critical** · `n_plus_one` · database `app` · application `shop` · id `np1`"))
        #expect(text.contains("```sql\nselect id, name from customers where id = $1\n```"))
        #expect(text.contains("- Driven by the rows of this statement (20 rows):"))
        #expect(text.contains("  ```sql\n  \(SyntheticReport.parentQuery)\n  ```"))
        #expect(
            section.contains(
                "- 3 occurrences (units of work), up to 20 executions in one, 42.5 ms in the pattern; "
                    + "first seen 2026-01-01T12:00:05Z, last seen 2026-01-01T12:00:50Z."))
        #expect(
            section.contains(
                "- Lineage: 20 of 20 `id` values were `customer_id` values returned by the query before."))
        #expect(
            section.contains(
                "- Bursts: 3; largest 20; median 20; on 2 connections; 57 round trips a fix saves; "
                    + "framework `sqlalchemy`; route `/orders`."))
        // The statement's own numbers, joined by fingerprint.
        #expect(section.contains("| app | 60 | 60 | 0 | 42.5 ms | 0.71 ms | 0.40 ms | 1.25 ms | 2.50 ms | 9.50 ms |"))
        #expect(section.contains(FindingRationale.why(.nPlusOne)))
        #expect(text.contains("#### Fix\n\nLoad all rows at once"))
        #expect(text.contains("```sql\nSELECT ... FROM customers WHERE id = ANY($1)\n```"))
        // Evidence shown elsewhere is not repeated; the rest is in the table.
        #expect(section.contains("| `users` | app |"))
        #expect(!section.contains { $0.hasPrefix("| `parent_rows`") })
    }

    @Test func indexFindingShowsPlanExcerptStatementAndMigration() {
        let text = Self.section(1).joined(separator: "\n")
        #expect(text.contains("```text\nSeq Scan on events\n  Filter: (kind = $1)\n```"))
        #expect(text.contains("```sql\nCREATE INDEX CONCURRENTLY ON public.events (kind);\n```"))
        #expect(
            text.contains(
                "Migration:\n\n```ruby\nadd_index :events, :kind, algorithm: :concurrently (with disable_ddl_transaction!)\n```"
            ))
        #expect(!text.contains("Migration: add_index"))
        #expect(text.contains("| `cost_after` | none |"))
    }

    @Test func catalogFindingsSayWhereTheyComeFromAndShowTheStatementTheyConcern() {
        let unused = Self.section(5)
        #expect(unused.contains("- Found in the catalog read at 2026-01-01T12:00:30Z (no statement time of its own)."))
        #expect(
            unused.joined(separator: "\n").contains(
                "```sql\nDROP INDEX CONCURRENTLY public.events_created_at_idx;\n```"))
        var foreignKey = SyntheticReport.unusedIndex
        foreignKey.kind = "fk_without_index"
        foreignKey.fingerprint = SyntheticReport.slowFingerprint.hex
        let text = MarkdownAuditRenderer().render(SyntheticReport.make(findings: [foreignKey]))
        #expect(
            text.contains("The statement it concerns most:\n\n```sql\nselect count(*) from events where kind = $1\n```")
        )
        #expect(text.contains("### 1. Foreign key without an index on `public.events`"))
    }

    @Test func topStatementsByTotalTime() {
        guard let start = Self.lines.firstIndex(of: "## Top statements by total time") else {
            Issue.record("no statements section")
            return
        }
        #expect(Self.lines[start + 2] == "3 of 3 statements, times measured at the proxy.")
        let rows = Self.lines[(start + 6)...].prefix(3)
        #expect(rows.first?.hasPrefix("| 1 | 480.0 ms | 4 | 120.0 ms |") == true)
        #expect(rows.last?.contains("`\(SyntheticReport.parentQuery)`") == true)
        #expect(!Self.audit.contains("## Connection pools"))
    }

    @Test func sameReportSameBytesAndNoTimestampsOfItsOwn() {
        let again = MarkdownAuditRenderer().render(SyntheticReport.make())
        #expect(again == Self.audit)
        // Shuffled input gives the same document.
        var report = SyntheticReport.make()
        report.findings.reverse()
        report.statements.reverse()
        #expect(MarkdownAuditRenderer().render(report) == Self.audit)
        #expect(Self.audit.hasSuffix("\n"))
    }

    @Test func emptyReportSaysSo() {
        var report = SyntheticReport.make(findings: [])
        report.statements = []
        let text = MarkdownAuditRenderer().render(report)
        #expect(text.contains("No findings: pglens saw nothing to fix in this window."))
        #expect(text.contains("No statements seen in this window."))
        #expect(!text.contains("## Findings"))
    }

    @Test func restrictedToAnApplication() {
        let report = SyntheticReport.make().restricted(toApplications: ["shop"])
        #expect(report.findings.map(\.id) == ["np1", "dup1"])
        #expect(report.statements.allSatisfy { $0.applicationName == "shop" })
        let text = MarkdownAuditRenderer(scope: "application `shop`").render(report)
        #expect(text.contains("Restricted to application `shop`."))
        #expect(!text.contains("reports"))
    }

    @Test func queriesWithBackticksAndPipesKeepTheirBlocksAndTables() {
        var finding = SyntheticReport.slowQuery
        finding.query = "select a || b from t where x = '```' and y = `z`"
        let report = SyntheticReport.make(findings: [finding])
        let text = MarkdownAuditRenderer().render(report)
        #expect(text.contains("````sql\nselect a || b from t where x = '```' and y = `z`\n````"))
        #expect(text.contains("| ```` select a \\|\\| b from t where x = '```' and y = `z` ```` |"))
        #expect(MarkdownText.code("a `b` c") == "``a `b` c``")
        #expect(MarkdownText.cell("a | b\nc") == "a \\| b c")
    }

    @Test func numbersAreFormattedTheSameEveryTime() {
        #expect(MarkdownText.number(0.4242) == "0.42")
        #expect(MarkdownText.number(12.345) == "12.3")
        #expect(MarkdownText.number(123_456.7) == "123 457")
        #expect(MarkdownText.count(1_000_000) == "1 000 000")
        #expect(MarkdownText.count(999) == "999")
        #expect(MarkdownText.duration(seconds: 3725) == "1 h 2 min")
    }
}
