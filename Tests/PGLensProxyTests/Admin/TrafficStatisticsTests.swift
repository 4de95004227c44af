import NIOCore
import Testing

@testable import PGLensProxy

/// The traffic counters behind SHOW STATS: what a session adds, and the averages over a period.
@Suite struct TrafficStatisticsTests {
    @Test func meterCountsQueriesTransactionsAndTimes() {
        let cell = TrafficCounterCell()
        var meter = SessionTrafficMeter(cell: cell)
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        // An autocommit statement: one query, one transaction of 2 ms.
        meter.received(20)
        meter.requestStarted(at: start, inTransaction: false)
        meter.sent(100)
        meter.readyForQuery(at: start + .milliseconds(2), answered: 1, outstanding: 0, inTransaction: false)
        // BEGIN; SELECT; COMMIT: three queries, one transaction of 30 ms.
        let begin = start + .milliseconds(10)
        meter.requestStarted(at: begin, inTransaction: false)
        meter.readyForQuery(at: begin + .milliseconds(1), answered: 1, outstanding: 0, inTransaction: true)
        meter.requestStarted(at: begin + .milliseconds(5), inTransaction: true)
        meter.readyForQuery(at: begin + .milliseconds(6), answered: 1, outstanding: 0, inTransaction: true)
        meter.requestStarted(at: begin + .milliseconds(20), inTransaction: true)
        meter.readyForQuery(at: begin + .milliseconds(30), answered: 1, outstanding: 0, inTransaction: false)
        meter.serverAssigned(waitNanoseconds: 3_000_000)
        meter.parsed(2, bound: 3)
        let counters = cell.counters
        #expect(counters.clientLogins == 1)
        #expect(counters.queries == 4)
        #expect(counters.transactions == 2)
        #expect(counters.transactionMicroseconds == 2_000 + 30_000)
        #expect(counters.queryMicroseconds == 2_000 + 1_000 + 1_000 + 10_000)
        #expect(counters.bytesReceived == 20)
        #expect(counters.bytesSent == 100)
        #expect(counters.waitMicroseconds == 3_000)
        #expect(counters.serverAssignments == 1)
        #expect(counters.clientParses == 2 && counters.binds == 3)
    }

    @Test func meterWithoutCellCountsNothing() {
        var meter = SessionTrafficMeter()
        meter.requestStarted(at: .now(), inTransaction: false)
        meter.readyForQuery(at: .now(), answered: 1, outstanding: 0, inTransaction: false)
        #expect(meter.lastRequestAt != nil)
    }

    @Test func averagesComeFromTwoSnapshots() {
        let statistics = ProxyStatistics(loops: [], periodSeconds: 10)
        #expect(statistics.averages().isEmpty)
        var first = TrafficCounters()
        first.queries = 100
        first.transactions = 50
        first.transactionMicroseconds = 5_000
        statistics.periodEnded(["app": first])
        var second = first
        second.queries += 200
        second.transactions += 100
        second.queryMicroseconds += 400_000
        second.transactionMicroseconds += 100_000
        second.serverAssignments += 20
        second.waitMicroseconds += 2_000
        statistics.periodEnded(["app": second])
        let average = statistics.averages()["app"]
        #expect(average?.queries == 20)
        #expect(average?.transactions == 10)
        #expect(average?.queryMicroseconds == 2_000)
        #expect(average?.transactionMicroseconds == 1_000)
        #expect(average?.waitMicroseconds == 100)
    }

    @Test func differenceFloorsAtZero() {
        var small = TrafficCounters()
        small.queries = 1
        var large = TrafficCounters()
        large.queries = 5
        #expect((small - large).queries == 0)
        #expect((small + large).queries == 6)
    }
}
