import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct StatementStatisticsTests {
    @Test func aggregatesCallsRowsErrorsAndTimes() throws {
        var statistics = StatementStatistics()
        statistics.record(EventFactory.event("select * from t where id = 1", milliseconds: 1, at: 10, rows: 1))
        statistics.record(EventFactory.event("select * from t where id = 2", milliseconds: 3, at: 5, rows: 2))
        statistics.record(
            EventFactory.event("SELECT * FROM t WHERE id = $1", milliseconds: 2, at: 20, rows: 0, sqlState: "57014"))
        #expect(statistics.count == 1)
        let summary = try #require(statistics.summaries().first)
        #expect(summary.query == "select * from t where id = $1")
        #expect(summary.calls == 3)
        #expect(summary.rows == 3)
        #expect(summary.errors == 1)
        #expect(summary.totalMilliseconds == 6)
        #expect(summary.meanMilliseconds == 2)
        #expect(summary.minMilliseconds == 1)
        #expect(summary.maxMilliseconds == 3)
        #expect(summary.p50Milliseconds == 2)
        #expect(summary.p99Milliseconds == 3)
        #expect(summary.firstSeen == EventFactory.epoch.addingTimeInterval(5))
        #expect(summary.lastSeen == EventFactory.epoch.addingTimeInterval(20))
    }

    @Test func percentilesFromTheHistogram() throws {
        var statistics = StatementStatistics()
        for millisecond in 1...100 {
            statistics.record(EventFactory.event("select 1", milliseconds: Double(millisecond) / 100))
        }
        let summary = try #require(statistics.summaries().first)
        // Values below 2.048 ms are exact at microsecond resolution.
        #expect(summary.p50Milliseconds == 0.5)
        #expect(summary.p95Milliseconds == 0.95)
        #expect(summary.p99Milliseconds == 0.99)
        #expect(summary.minMilliseconds == 0.01)
        #expect(summary.maxMilliseconds == 1)
    }

    @Test func percentilesStayWithinMinAndMax() throws {
        var statistics = StatementStatistics()
        statistics.record(EventFactory.event("select 1", milliseconds: 150))
        let summary = try #require(statistics.summaries().first)
        // 150 000 µs falls in a 128 µs wide bucket; the reported value is held to the exact maximum.
        #expect(summary.p50Milliseconds == 150)
        #expect(summary.p99Milliseconds == 150)
    }

    @Test func keysSeparateDatabaseUserAndApplication() {
        var statistics = StatementStatistics()
        statistics.record(EventFactory.event("select 1", milliseconds: 1))
        statistics.record(EventFactory.event("select 1", milliseconds: 1, database: "other"))
        statistics.record(EventFactory.event("select 1", milliseconds: 1, user: "batch"))
        statistics.record(EventFactory.event("select 1", milliseconds: 1, application: "worker"))
        statistics.record(EventFactory.event("select 2", milliseconds: 1, application: "worker"))
        #expect(statistics.count == 4)
    }

    @Test func evictsLeastRecentlyUsedAndCounts() {
        var statistics = StatementStatistics(maxStatements: 2)
        statistics.record(EventFactory.event("select a from t", milliseconds: 1))
        statistics.record(EventFactory.event("select b from t", milliseconds: 1))
        statistics.record(EventFactory.event("select a from t", milliseconds: 1))
        statistics.record(EventFactory.event("select c from t", milliseconds: 1))
        #expect(statistics.evictions == 1)
        #expect(Set(statistics.summaries().map(\.query)) == ["select a from t", "select c from t"])
        statistics.reset()
        #expect(statistics.count == 0)
        #expect(statistics.evictions == 0)
    }

    @Test func topByTotalAndByMean() {
        var statistics = StatementStatistics()
        for _ in 0..<10 { statistics.record(EventFactory.event("select a from t", milliseconds: 2)) }
        statistics.record(EventFactory.event("select b from t", milliseconds: 15))
        statistics.record(EventFactory.event("select c from t", milliseconds: 5))
        #expect(statistics.topByTotalTime(limit: 2).map(\.query) == ["select a from t", "select b from t"])
        #expect(statistics.topByMeanTime(limit: 2).map(\.query) == ["select b from t", "select c from t"])
        #expect(statistics.topByTotalTime(limit: 2).map(\.totalMilliseconds) == [20, 15])
    }

    @Test func summaryForKey() throws {
        var statistics = StatementStatistics()
        let event = EventFactory.event("select 1", milliseconds: 4, rows: 7)
        statistics.record(event)
        let summary = try #require(statistics.summary(for: StatementKey(event)))
        #expect(summary.rows == 7)
        #expect(
            statistics.summary(for: StatementKey(EventFactory.event("select 1", milliseconds: 1, user: "x"))) == nil)
    }
}
