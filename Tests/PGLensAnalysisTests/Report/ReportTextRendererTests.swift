import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct ReportTextRendererTests {
    static func report() -> Report {
        let pipeline = AnalysisPipeline(startedAt: EventFactory.epoch)
        for index in 0..<3 {
            pipeline.offer(
                EventFactory.event("SELECT * FROM users WHERE id = \(index)", milliseconds: 2, sequence: UInt64(index)))
        }
        pipeline.offer(EventFactory.event("SELECT * FROM orders WHERE total > 5", milliseconds: 300, rows: 40))
        pipeline.processPendingEvents()
        return pipeline.report(at: EventFactory.epoch.addingTimeInterval(125))
    }

    @Test func showsWindowStatementsAndFindings() {
        let text = ReportTextRenderer().render(Self.report())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1] == "window: 2026-01-01T12:00:00Z to 2026-01-01T12:02:05Z (2 min 5 s)")
        #expect(lines[2] == "events: 4 analysed, 0 dropped; 2 statements (0 evicted); 1 slow executions")
        #expect(lines.contains("Top statements by total time (2 of 2):"))
        // The slow statement first (most total time), its numbers in their columns.
        let firstRow = lines.firstIndex { $0.contains("select * from orders where total > $1") }
        let secondRow = lines.firstIndex { $0.contains("select * from users where id = $1") }
        #expect(firstRow != nil && secondRow != nil && firstRow! < secondRow!)
        #expect(text.contains("[warning] slow_query: database app, application api; 1 occurrence(s), 300 ms"))
        #expect(text.contains("    fix: Run EXPLAIN (ANALYZE, BUFFERS)"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func longQueriesWrapInTheirColumn() throws {
        let renderer = ReportTextRenderer(queryWidth: 20)
        let lines = renderer.render(Self.report()).split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.hasSuffix("  select * from orders") })
        let column = lines[first].count - "select * from orders".count
        // The rest of the query on the next line, in the query column.
        #expect(lines[first + 1] == String(repeating: " ", count: column) + "where total > $1")
        #expect(!lines.contains { $0.contains("...") })
        // The finding still shows the whole query.
        #expect(lines.contains("    query: select * from orders where total > $1"))
    }

    @Test func wrappingBreaksAtSpacesAndCutsLongWords() {
        #expect(
            ReportTextRenderer.wrapped("select a, b from t where x = $1", width: 12) == [
                "select a, b", "from t where", "x = $1",
            ])
        #expect(ReportTextRenderer.wrapped(String(repeating: "x", count: 25), width: 10).map(\.count) == [10, 10, 5])
        #expect(ReportTextRenderer.wrapped("", width: 10) == [""])
    }

    @Test func limitListsThatManyStatementsOrAll() {
        let one = ReportTextRenderer(statementLimit: 1).render(Self.report())
        #expect(one.contains("Top statements by total time (1 of 2):"))
        #expect(!one.contains("  select * from users"))
        let all = ReportTextRenderer(statementLimit: 0).render(Self.report())
        #expect(all.contains("Top statements by total time (2 of 2):"))
    }

    @Test func emptyReport() {
        let text = ReportTextRenderer().render(
            AnalysisPipeline(startedAt: EventFactory.epoch).report(at: EventFactory.epoch))
        #expect(text.contains("No statements seen yet."))
        #expect(text.contains("No findings."))
    }
}
