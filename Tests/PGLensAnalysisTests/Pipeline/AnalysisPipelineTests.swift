import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct AnalysisPipelineTests {
    @Test func appliesEventsInOrder() {
        let pipeline = AnalysisPipeline(startedAt: EventFactory.epoch)
        let durations: [Double] = [130, 110, 170, 120, 160]
        for (index, duration) in durations.enumerated() {
            pipeline.offer(EventFactory.event("select pg_sleep(1)", milliseconds: duration, sequence: UInt64(index)))
        }
        #expect(pipeline.processPendingEvents() == 5)
        #expect(pipeline.processPendingEvents() == 0)
        #expect(pipeline.slowExecutions().map(\.durationMilliseconds) == durations)
        #expect(pipeline.statements().first?.calls == 5)
    }

    @Test func batchesAreBoundedBySize() {
        var configuration = AnalysisConfiguration()
        configuration.batchSize = 4
        let pipeline = AnalysisPipeline(configuration: configuration)
        for index in 0..<10 { pipeline.offer(EventFactory.event("select 1", milliseconds: 1, sequence: UInt64(index))) }
        let applied: [Int] = (0..<3).map { _ in pipeline.processPendingEvents() }
        #expect(applied == [4, 4, 2])
    }

    @Test func droppedEventsAppearInTheReport() {
        var configuration = AnalysisConfiguration()
        configuration.queueCapacity = 2
        let pipeline = AnalysisPipeline(configuration: configuration)
        for _ in 0..<5 { pipeline.offer(EventFactory.event("select 1", milliseconds: 1)) }
        pipeline.processPendingEvents()
        let analysis = pipeline.report(at: EventFactory.epoch).analysis
        #expect(analysis.eventsReceived == 2)
        #expect(analysis.eventsDropped == 3)
        #expect(pipeline.report(at: EventFactory.epoch).statements.first?.calls == 2)
    }

    @Test func snapshotsWhileProducing() async {
        var configuration = AnalysisConfiguration()
        configuration.queueCapacity = 512
        let pipeline = AnalysisPipeline(configuration: configuration)
        let producers = 4
        let perProducer = 5000
        let consumer = Task { await pipeline.run(pollInterval: .milliseconds(1)) }
        var observedCalls: [UInt64] = []
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<producers {
                group.addTask {
                    var event = EventFactory.event(
                        "select * from t where id = 1", milliseconds: 1, client: UInt64(client))
                    for sequence in 0..<perProducer {
                        event.sequence = UInt64(sequence)
                        pipeline.offer(event)
                    }
                }
            }
            for _ in 0..<20 {
                let report = pipeline.report(at: EventFactory.epoch)
                let calls = report.statements.reduce(0) { $0 + $1.calls }
                #expect(calls <= UInt64(report.analysis.eventsReceived))
                observedCalls.append(calls)
                await Task.yield()
            }
        }
        consumer.cancel()
        await consumer.value
        while pipeline.processPendingEvents() > 0 {}
        let report = pipeline.report(at: EventFactory.epoch)
        #expect(report.analysis.eventsReceived + report.analysis.eventsDropped == producers * perProducer)
        #expect(report.statements.count == 1)
        #expect(report.statements.first?.calls == UInt64(report.analysis.eventsReceived))
        #expect(observedCalls == observedCalls.sorted())
    }

    @Test func resetStartsANewWindow() {
        let pipeline = AnalysisPipeline(startedAt: EventFactory.epoch)
        pipeline.offer(EventFactory.event("select 1", milliseconds: 500))
        pipeline.processPendingEvents()
        pipeline.recordSessionState(
            SessionStateObservation(
                statementText: "SET x = 1", database: "app", applicationName: "api", action: .pin,
                observedAt: EventFactory.epoch))
        let later = EventFactory.epoch.addingTimeInterval(60)
        pipeline.reset(at: later)
        let report = pipeline.report(at: later.addingTimeInterval(1))
        #expect(report.statements.isEmpty)
        #expect(report.findings.isEmpty)
        #expect(report.window.startedAt == later)
        #expect(pipeline.slowExecutions().isEmpty)
    }
}
