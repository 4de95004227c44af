import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct StatementTextTests {
    private func event(_ text: StatementText, sequence: UInt64) -> StatementEvent {
        var event = EventFactory.event("select 0", milliseconds: 1, sequence: sequence)
        event.text = text
        return event
    }

    @Test func rawSimpleQueryNormalizesOnDemand() {
        let text = StatementText.simpleQuery(
            "BEGIN; UPDATE t SET a = 1; COMMIT", statementIndex: 1, standardConformingStrings: true)
        #expect(text.normalized.text == "update t set a = $1")
        let legacy = StatementText.simpleQuery("select 'a\\' c'", statementIndex: 0, standardConformingStrings: false)
        #expect(legacy.normalized.text == "select $1")
    }

    @Test func indexPastTheSplitNormalizesTheWholeText() {
        let text = StatementText.simpleQuery("select 1", statementIndex: 3, standardConformingStrings: true)
        #expect(text.normalized.text == "select $1")
    }

    @Test func pipelineNormalizesRawTextsInTheConsumer() {
        let pipeline = AnalysisPipeline(startedAt: EventFactory.epoch)
        let query = "BEGIN; SELECT * FROM t WHERE id = 7; COMMIT"
        for index in 0..<3 {
            pipeline.offer(
                event(
                    .simpleQuery(query, statementIndex: index, standardConformingStrings: true), sequence: UInt64(index)
                ))
        }
        pipeline.offer(
            event(
                .simpleQuery("select * from t where id = 8", statementIndex: 0, standardConformingStrings: true),
                sequence: 3))
        pipeline.processPendingEvents()
        let calls = Dictionary(uniqueKeysWithValues: pipeline.statements().map { ($0.query, $0.calls) })
        #expect(calls == ["begin": 1, "select * from t where id = $1": 2, "commit": 1])
    }
}
