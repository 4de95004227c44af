import Foundation
import Testing

@testable import PGLensAnalysis

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct FindingBudgetTests {
    private static let report = SyntheticReport.make()

    @Test func defaultBudgetFailsOnAnyNPlusOne() {
        let verdict = FindingBudget().evaluate(Self.report)
        #expect(!verdict.passed)
        #expect(verdict.checks.map(\.kind) == [.nPlusOne])
        #expect(verdict.offending.map(\.id) == ["np1"])
        #expect(verdict.findingsInReport == 5)
    }

    @Test func reportWithoutTheKindPasses() {
        let clean = SyntheticReport.make(findings: [SyntheticReport.slowQuery, SyntheticReport.duplicateQuery])
        let verdict = FindingBudget().evaluate(clean)
        #expect(verdict.passed)
        #expect(verdict.checks.count == 1 && verdict.checks[0].findings.isEmpty)
    }

    @Test func minimumSeverityLetsLesserFindingsPass() {
        let kinds: [FindingKind] = [.slowQuery, .duplicateQuery]
        #expect(FindingBudget(kinds: kinds).evaluate(Self.report).offending.map(\.id) == ["slow1", "dup1"])
        #expect(
            FindingBudget(kinds: kinds, minimumSeverity: .warning).evaluate(Self.report).offending.map(\.id)
                == ["slow1"])
        #expect(FindingBudget(kinds: kinds, minimumSeverity: .critical).evaluate(Self.report).passed)
    }

    @Test func maximumRepetitionsIsABudgetForRepeatedStatementsOnly() {
        // The N+1 has 20 repetitions: a budget of 20 lets it pass, 19 does not.
        #expect(FindingBudget(maximumRepetitions: 20).evaluate(Self.report).passed)
        #expect(!FindingBudget(maximumRepetitions: 19).evaluate(Self.report).passed)
        // A slow query has no repetitions: it fails whatever the limit.
        let slow = FindingBudget(kinds: [.slowQuery], maximumRepetitions: 1000).evaluate(Self.report)
        #expect(slow.offending.map(\.id) == ["slow1"])
    }

    @Test func failOnListsAreParsedAndAllChecksEveryKindPresent() {
        let kinds = FindingBudget.kinds(fromList: ["n_plus_one, slow_query", "missing_index,", " n_plus_one"])
        #expect(kinds.map(\.rawValue) == ["n_plus_one", "slow_query", "missing_index", "n_plus_one"])
        #expect(FindingBudget(kinds: kinds).kinds.map(\.rawValue) == ["n_plus_one", "slow_query", "missing_index"])
        let all = FindingBudget(kinds: ["all"]).evaluate(Self.report)
        #expect(
            all.checks.map(\.kind.rawValue)
                == ["duplicate_query", "missing_index", "n_plus_one", "slow_query", "unused_index"])
        #expect(all.offending.count == 5)
    }

    @Test func textNamesTheOffendingFindingWithParentAndFix() {
        let text = FindingBudgetText.render(FindingBudget().evaluate(Self.report))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines[0]
                == "pglens check: FAILED, 1 finding over budget (n_plus_one at info or above); 5 findings in the report"
        )
        #expect(lines[1] == "  n_plus_one: 1 finding, 1 over budget")
        #expect(
            lines.contains(
                "[critical] n_plus_one in app / shop on customers: 3 occurrences, up to 20 repetitions, 42.5 ms (id np1)"
            ))
        #expect(lines.contains("  parent: \(SyntheticReport.parentQuery)"))
        #expect(lines.contains { $0.hasPrefix("  fix:    Load all rows at once") })
        let passed = FindingBudgetText.render(FindingBudget(maximumRepetitions: 20).evaluate(Self.report))
        #expect(passed.hasPrefix("pglens check: passed, no finding over budget"))
    }

    @Test func githubAnnotationsEscapeLineBreaksAndProperties() {
        var finding = SyntheticReport.nPlusOne
        finding.query = "select 1\nfrom t -- 100%"
        let verdict = FindingBudget().evaluate(SyntheticReport.make(findings: [finding]))
        let lines = GitHubAnnotations.render(verdict).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("::error title=pglens n_plus_one (critical)::n_plus_one in app / shop"))
        #expect(lines[0].contains("%0Aquery: select 1%0Afrom t -- 100%25%0Aparent: "))
        #expect(lines[1].hasPrefix("pglens check: FAILED"))
        #expect(GitHubAnnotations.property("a: b, c") == "a%3A b%2C c")
        let passed = GitHubAnnotations.render(
            FindingBudget(kinds: ["missing_index"], minimumSeverity: .critical)
                .evaluate(Self.report))
        #expect(passed.hasPrefix("::notice title=pglens check::pglens check: passed"))
    }

    @Test func junitHasATestcasePerKindAndAFailureForTheOffendingOnes() throws {
        var finding = SyntheticReport.nPlusOne
        finding.query = "select * from t where a < $1 and b = '&' \u{1}"
        let report = SyntheticReport.make(findings: [finding, SyntheticReport.slowQuery])
        let verdict = FindingBudget(kinds: [.nPlusOne, .slowQuery, "missing_index"], minimumSeverity: .critical)
            .evaluate(report)
        let xml = JUnitReport.render(verdict, report: report)
        #expect(xml.contains(#"<testcase classname="pglens.findings" name="slow_query" time="0"/>"#))
        #expect(xml.contains(#"<testcase classname="pglens.findings" name="missing_index" time="0"/>"#))
        #expect(xml.contains("query:  select * from t where a &lt; $1 and b = '&amp;' \u{FFFD}"))
        #expect(xml.contains(#"timestamp="2026-01-01T12:02:05Z""#))
        #if canImport(FoundationXML) || os(macOS)
            let document = try XMLDocument(data: Data(xml.utf8))
            let suite = try #require(try document.nodes(forXPath: "/testsuites/testsuite").first as? XMLElement)
            #expect(suite.attribute(forName: "tests")?.stringValue == "3")
            #expect(suite.attribute(forName: "failures")?.stringValue == "1")
            let failures = try document.nodes(forXPath: "//testcase[@name='n_plus_one']/failure")
            #expect(failures.count == 1)
            #expect(failures.first?.stringValue?.contains("parent: \(SyntheticReport.parentQuery)") == true)
        #endif
        #expect(JUnitReport.render(verdict, report: report) == xml)
    }
}
