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

    @Test func longQueriesAreShortenedInTheTable() {
        let renderer = ReportTextRenderer(queryWidth: 20)
        let text = renderer.render(Self.report())
        #expect(text.contains("select * from ord..."))
        // The finding still shows the whole query.
        #expect(text.contains("    query: select * from orders where total > $1"))
    }

    @Test func emptyReport() {
        let text = ReportTextRenderer().render(
            AnalysisPipeline(startedAt: EventFactory.epoch).report(at: EventFactory.epoch))
        #expect(text.contains("No statements seen yet."))
        #expect(text.contains("No findings."))
    }
}
