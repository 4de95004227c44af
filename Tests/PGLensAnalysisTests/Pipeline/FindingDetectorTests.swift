import Foundation
import Testing

@testable import PGLensAnalysis

/// A toy repeated-query detector: the longest run of one fingerprint by one client.
private struct LongestRunDetector: FindingDetector {
    var run = 0
    var longest = 0
    var last: (client: UInt64, fingerprint: StatementFingerprint)?
    var example: StatementEvent?

    mutating func consume(_ event: StatementEvent) {
        let same = last?.client == event.clientConnectionID && last?.fingerprint == event.statement.fingerprint
        run = same ? run + 1 : 1
        last = (event.clientConnectionID, event.statement.fingerprint)
        if run > longest {
            longest = run
            example = event
        }
    }

    func findings(captureParameters: Bool) -> [Finding] {
        guard let example else { return [] }
        return [
            Finding(
                id: "n_plus_one-test", kind: .nPlusOne, severity: .warning,
                fingerprint: example.statement.fingerprint.hex, query: example.statement.text,
                database: example.database, applicationName: example.applicationName, occurrences: 1,
                repetitions: longest, timeMilliseconds: 0, parent: nil, table: nil, columns: [], suggestion: "batch it",
                evidence: [:], firstSeen: example.startedAt, lastSeen: example.startedAt)
        ]
    }

    mutating func reset() {
        self = LongestRunDetector()
    }
}

@Suite struct FindingDetectorTests {
    @Test func extraDetectorsSeeEveryEventInOrderAndReport() throws {
        var configuration = AnalysisConfiguration()
        configuration.detectors = [LongestRunDetector()]
        let pipeline = AnalysisPipeline(configuration: configuration, startedAt: EventFactory.epoch)
        pipeline.offer(EventFactory.event("select * from orders where user_id = 1", milliseconds: 1, rows: 3))
        for sequence in 1...3 {
            pipeline.offer(
                EventFactory.event(
                    "select * from items where order_id = \(sequence)", milliseconds: 1, sequence: UInt64(sequence)))
        }
        pipeline.processPendingEvents()
        let finding = try #require(pipeline.report(at: EventFactory.epoch).findings.first)
        #expect(finding.kind == .nPlusOne)
        #expect(finding.repetitions == 3)
        #expect(finding.query == "select * from items where order_id = $1")
        pipeline.reset(at: EventFactory.epoch)
        #expect(pipeline.report(at: EventFactory.epoch).findings.isEmpty)
    }

    @Test func slowQueryLogIsADetector() {
        var detector: any FindingDetector = SlowQueryLog()
        detector.consume(EventFactory.event("select 1", milliseconds: 150))
        detector.consume(EventFactory.event("select 1", milliseconds: 50))
        #expect(detector.findings(captureParameters: false).map(\.occurrences) == [1])
        detector.reset()
        #expect(detector.findings(captureParameters: false).isEmpty)
    }
}
