import Foundation
import PGLensHTTP
import Testing

@testable import PGLensAnalysis
@testable import PGLensTop

@Suite struct TopFrameTests {
    static let start = Date(timeIntervalSince1970: 1_767_268_800)

    static func statement(_ query: String, calls: UInt64, total: Double) -> StatementSummary {
        StatementSummary(
            fingerprint: StatementFingerprint(UInt64(query.count)), query: query, database: "app",
            user: "web", applicationName: "api", calls: calls, rows: calls, errors: 0, totalMilliseconds: total,
            meanMilliseconds: total / Double(calls), minMilliseconds: 0, maxMilliseconds: total,
            p50Milliseconds: 0, p95Milliseconds: 0, p99Milliseconds: 0, firstSeen: start, lastSeen: start)
    }

    static func sample(queries: UInt64, at offset: Double) -> TopSample {
        let report = Report(
            generatedAt: start.addingTimeInterval(offset),
            window: .init(startedAt: start, endedAt: start.addingTimeInterval(offset)),
            instance: .init(id: "test", version: "0"),
            statements: [
                statement("select * from users where id = $1", calls: 100, total: 50),
                statement("select count(*) from orders\n  where\tshop_id = $1 \u{1B}[2J", calls: 2, total: 40),
            ],
            findings: [],
            analysis: .init(eventsReceived: Int(queries), eventsDropped: 0, statementsEvicted: 0, slowExecutions: 0))
        let status = ProxyStatus(
            generatedAt: start.addingTimeInterval(offset), startedAt: start,
            pools: [
                .init(
                    database: "app", user: "web", poolMode: "transaction", clientsActive: 3, clientsWaiting: 1,
                    serversActive: 2, serversIdle: 1, serversConnecting: 0, maximumWaitMicroseconds: 1500,
                    poolSize: 20, maximumDatabaseConnections: 0)
            ],
            traffic: [
                .init(
                    database: "app", transactions: queries / 2, queries: queries, bytesReceived: 0, bytesSent: 0,
                    transactionMicroseconds: 0, queryMicroseconds: 0, waitMicroseconds: 0, clientLogins: 1)
            ], clientConnections: 4, maximumClientConnections: 100)
        return TopSample(report: .success(report), status: .success(status), takenAt: start.addingTimeInterval(offset))
    }

    @Test func ratesComeFromTwoPolls() {
        let rates = TopRates(previous: Self.sample(queries: 100, at: 10), current: Self.sample(queries: 300, at: 12))
        #expect(rates.queries == .init(perSecond: 100))
        #expect(rates.transactions == .init(perSecond: 50))
        let first = TopRates(previous: nil, current: Self.sample(queries: 100, at: 10))
        #expect(first.queries == .init(perSecond: 10, isSinceStart: true))
    }

    @Test(arguments: [100, 60, 40, 25])
    func everyLineFitsTheWidthAndTheHeight(columns: Int) {
        var state = TopScreenState(order: .totalTime, size: TerminalSize(columns: columns, rows: 20))
        _ = state.sampled(Self.sample(queries: 100, at: 10))
        let lines = state.frame(source: "http://127.0.0.1:9930", keysShown: true)
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { $0.width <= columns }, "\(lines.map(\.text))")
        // A query's own control characters never reach the terminal.
        #expect(lines.allSatisfy { !$0.text.contains("\u{1B}") && !$0.text.contains("\n") })
        #expect(lines.contains { $0.text.hasPrefix("Statements by total time") })
        #expect(
            lines.last.map { "t total  m mean  c calls  q quit".hasPrefix($0.text) && $0.text.hasPrefix("t total") }
                == true)
    }

    @Test func keysChangeTheOrderAndQuit() {
        var state = TopScreenState(order: .totalTime, size: TerminalSize(columns: 100, rows: 30))
        _ = state.sampled(Self.sample(queries: 100, at: 10))
        var decoder = TopKeyDecoder()
        // An arrow key's sequence (ESC [ C) is not taken for `c`.
        #expect(decoder.keys(in: Array("\u{1B}[Cm".utf8)) == [.sort(.meanTime)])
        #expect(state.keyPressed(.sort(.meanTime)) == .redraw)
        let lines = state.frame(source: "x", keysShown: true).map(\.text)
        let title = lines.firstIndex { $0.hasPrefix("Statements by mean time") }
        #expect(title != nil, "\(lines)")
        // By mean time the two-call statement (20 ms each) comes first.
        if let title { #expect(lines[title + 2].contains("select count(*) from orders where shop_id")) }
        #expect(state.keyPressed(.quit) == .quit)
        #expect(decoder.keys(in: [0x03]) == [.quit])
    }

    @Test func plainOutputHasNoEscapes() {
        #expect(!TerminalCapabilities(outputIsTerminal: true, environment: ["NO_COLOR": "1"]).colour)
        #expect(!TerminalCapabilities(outputIsTerminal: false, environment: [:]).colour)
        #expect(TerminalCapabilities(outputIsTerminal: true, environment: ["TERM": "xterm"]).colour)
        var state = TopScreenState(order: .calls, size: TerminalSize(columns: 80, rows: nil))
        _ = state.sampled(Self.sample(queries: 100, at: 10))
        let text = ScreenOutput.text(state.frame(source: "x", keysShown: false), colour: false)
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("Pools (1)"))
        let coloured = ScreenOutput.text(state.frame(source: "x", keysShown: false), colour: true)
        #expect(coloured.contains("\u{1B}[1m"))
    }
}
