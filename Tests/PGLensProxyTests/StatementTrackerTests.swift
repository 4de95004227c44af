import NIOCore
import Testing

@testable import PGLensProxy

@Suite struct StatementTrackerTests {
    private func at(_ milliseconds: UInt64) -> NIODeadline {
        .uptimeNanoseconds(1_000_000_000 + milliseconds * 1_000_000)
    }

    @Test func aSimpleQueryOfSeveralStatementsGivesOneRecordEach() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.query("SELECT 1; UPDATE t SET a = 1", at: at(0), inTransaction: false)
        tracker.statementCompleted(rows: 1, at: at(2))
        tracker.statementCompleted(rows: 7, at: at(5))
        tracker.readyForQuery(at: at(5))
        let records = tracker.takeFinished()
        #expect(records.map(\.statementIndex) == [0, 1])
        #expect(records.map(\.rows) == [1, 7])
        #expect(records.map(\.start) == [at(0), at(2)])
        #expect(records.map(\.end) == [at(2), at(5)])
        #expect(tracker.takeFinished().isEmpty)
    }

    @Test func pipelinedExecutesAreMatchedInOrder() {
        var tracker = StatementTracker(captureParameters: true)
        tracker.parse(statement: "", text: "SELECT $1")
        tracker.bind(portal: "", statement: "", parameters: ["42"])
        tracker.execute(portal: "", at: at(0), inTransaction: false)
        tracker.parse(statement: "s2", text: "INSERT INTO t VALUES ($1)")
        tracker.bind(portal: "", statement: "s2", parameters: ["x"])
        tracker.execute(portal: "", at: at(1), inTransaction: false)
        tracker.requestEnded()
        tracker.statementCompleted(rows: 1, at: at(3))
        tracker.statementCompleted(rows: 1, at: at(4))
        tracker.readyForQuery(at: at(4))
        let records = tracker.takeFinished()
        #expect(records.map(\.text) == ["SELECT $1", "INSERT INTO t VALUES ($1)"])
        #expect(records.map(\.parameters) == [["42"], ["x"]])
        #expect(records.map(\.end) == [at(3), at(4)])
        // The second Execute waited behind the first: its time starts when the first one's answer ended.
        #expect(records.map(\.start) == [at(0), at(3)])
    }

    @Test func anErrorEndsItsStatementAndSkipsTheRestOfTheBatch() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.parse(statement: "a", text: "SELECT 1/0")
        tracker.parse(statement: "b", text: "SELECT 2")
        tracker.bind(portal: "", statement: "a", parameters: nil)
        tracker.execute(portal: "", at: at(0), inTransaction: true)
        tracker.bind(portal: "", statement: "b", parameters: nil)
        tracker.execute(portal: "", at: at(0), inTransaction: true)
        tracker.requestEnded()
        tracker.execute(portal: "", at: at(10), inTransaction: true)
        tracker.requestEnded()
        tracker.errorReceived(sqlState: "22012", at: at(1))
        tracker.readyForQuery(at: at(1))
        tracker.statementCompleted(rows: 1, at: at(12))
        tracker.readyForQuery(at: at(12))
        let records = tracker.takeFinished()
        #expect(records.map(\.sqlState) == ["22012", nil])
        #expect(records.map(\.text) == ["SELECT 1/0", "SELECT 2"])
        #expect(records.map(\.inTransaction) == [true, true])
        #expect(records.map(\.start) == [at(0), at(10)])
    }

    @Test func aSimpleQueryStopsAtItsError() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.query("SELECT 1; SELECT 1/0; SELECT 3", at: at(0), inTransaction: false)
        tracker.statementCompleted(rows: 1, at: at(1))
        tracker.errorReceived(sqlState: "22012", at: at(2))
        tracker.readyForQuery(at: at(2))
        tracker.query("SELECT 4", at: at(5), inTransaction: false)
        tracker.statementCompleted(rows: 1, at: at(6))
        tracker.readyForQuery(at: at(6))
        let records = tracker.takeFinished()
        #expect(records.map(\.statementIndex) == [0, 1, 0])
        #expect(records.map(\.sqlState) == [nil, "22012", nil])
        #expect(
            records.map(\.text) == ["SELECT 1; SELECT 1/0; SELECT 3", "SELECT 1; SELECT 1/0; SELECT 3", "SELECT 4"])
    }

    @Test func emptyQueriesGiveNoRecordAndSuspendedPortalsDo() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.query("", at: at(0), inTransaction: false)
        tracker.statementCompleted(rows: nil, at: at(1))
        tracker.readyForQuery(at: at(1))
        #expect(tracker.takeFinished().isEmpty)
        tracker.parse(statement: "", text: "SELECT g FROM generate_series(1, 10) g")
        tracker.bind(portal: "c", statement: "", parameters: nil)
        tracker.execute(portal: "c", at: at(2), inTransaction: true)
        tracker.execute(portal: "c", at: at(2), inTransaction: true)
        tracker.requestEnded()
        tracker.statementCompleted(rows: 0, at: at(3))
        tracker.statementCompleted(rows: 5, at: at(4))
        tracker.readyForQuery(at: at(4))
        #expect(tracker.takeFinished().map(\.rows) == [0, 5])
    }

    @Test func closingTheUnnamedStatementForgetsOnlyIt() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.parse(statement: "", text: "SELECT 1")
        tracker.parse(statement: "named", text: "SELECT 2")
        tracker.closeStatement("")
        tracker.bind(portal: "", statement: "", parameters: nil)
        tracker.execute(portal: "", at: at(0), inTransaction: false)
        tracker.bind(portal: "p", statement: "named", parameters: nil)
        tracker.execute(portal: "p", at: at(0), inTransaction: false)
        tracker.requestEnded()
        tracker.statementCompleted(rows: 1, at: at(1))
        tracker.statementCompleted(rows: 1, at: at(2))
        tracker.readyForQuery(at: at(2))
        // The first Execute's statement is unknown (closed): only the named one is recorded.
        #expect(tracker.takeFinished().map(\.text) == ["SELECT 2"])
    }

    @Test func drainingHandsOverEachRecordOnce() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.query("SELECT 1; SELECT 2", at: at(0), inTransaction: false)
        tracker.statementCompleted(rows: 1, at: at(1))
        tracker.statementCompleted(rows: 1, at: at(2))
        tracker.readyForQuery(at: at(2))
        var drained: [Int] = []
        tracker.drainFinished { drained.append($0.statementIndex) }
        #expect(drained == [0, 1])
        tracker.drainFinished { _ in Issue.record("a record was handed over twice") }
        #expect(tracker.takeFinished().isEmpty)
    }

    @Test func aStatementForwardedAfterTheAnswerBeforeItKeepsItsOwnStart() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.parse(statement: "", text: "SELECT 1")
        tracker.bind(portal: "", statement: "", parameters: nil)
        tracker.execute(portal: "", at: at(0), inTransaction: false)
        tracker.requestEnded()
        tracker.statementCompleted(rows: 1, at: at(2))
        tracker.readyForQuery(at: at(2))
        tracker.bind(portal: "", statement: "", parameters: nil)
        tracker.execute(portal: "", at: at(7), inTransaction: false)
        tracker.requestEnded()
        tracker.statementCompleted(rows: 1, at: at(9))
        tracker.readyForQuery(at: at(9))
        #expect(tracker.takeFinished().map(\.start) == [at(0), at(7)])
    }

    @Test func answersHeldUntilALateSyncAreTimedFromTheSync() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.parse(statement: "", text: "SELECT 1")
        tracker.bind(portal: "", statement: "", parameters: nil)
        tracker.execute(portal: "", at: at(0), inTransaction: false)
        tracker.bind(portal: "", statement: "", parameters: nil)
        tracker.execute(portal: "", at: at(1), inTransaction: false)
        // The client took 50 ms to send its Sync; only then did the server send its answers.
        tracker.requestEnded()
        tracker.outputReleased(at: at(50))
        tracker.statementCompleted(rows: 1, at: at(52))
        tracker.statementCompleted(rows: 1, at: at(53))
        tracker.readyForQuery(at: at(53))
        let records = tracker.takeFinished()
        #expect(records.map(\.start) == [at(50), at(52)])
        #expect(records.map(\.end) == [at(52), at(53)])
    }

    @Test func parametersAreKeptOnlyWhenCaptured() {
        var tracker = StatementTracker(captureParameters: false)
        tracker.parse(statement: "", text: "SELECT $1")
        tracker.bind(portal: "", statement: "", parameters: ["secret"])
        tracker.execute(portal: "", at: at(0), inTransaction: false)
        tracker.requestEnded()
        tracker.statementCompleted(rows: 1, at: at(1))
        tracker.readyForQuery(at: at(1))
        #expect(tracker.takeFinished().first?.parameters == nil)
    }
}

@Suite struct StatementTextBoundTests {
    @Test func aHugeStatementIsKeptByItsFirst32KiBAtACharacterBoundary() {
        let huge = "SELECT '" + String(repeating: "é", count: 40_000) + "'"
        let kept = StatementTracker.bounded(huge)
        #expect(kept.utf8.count <= StatementTracker.maximumTextLength)
        #expect(kept.utf8.count >= StatementTracker.maximumTextLength - 3)
        #expect(huge.hasPrefix(kept))
        #expect(StatementTracker.bounded("SELECT 1") == "SELECT 1")
        var tracker = StatementTracker(captureParameters: false)
        tracker.query(huge, at: .uptimeNanoseconds(1), inTransaction: false)
        tracker.statementCompleted(rows: 1, at: .uptimeNanoseconds(2))
        #expect(tracker.takeFinished().map(\.text.utf8.count) == [kept.utf8.count])
    }
}
