import Testing

@testable import PGLensProxy

@Suite struct PendingResponsesTests {
    @Test func injectedParseCompleteIsSwallowedAndTheClientsIsNot() {
        var pending = PendingResponses()
        pending.sentParse(serverName: "pglens_a", clientName: nil, swallow: true)
        pending.sentParse(serverName: "pglens_b", clientName: "s2", swallow: false)
        pending.sentRequests(1)
        #expect(!pending.isEmpty)
        let first = pending.parseCompleted()
        let second = pending.parseCompleted()
        #expect(first == .swallow)
        #expect(second == .forward)
        let lost = pending.readyForQuery()
        #expect(lost.isEmpty)
        #expect(pending.isEmpty)
    }

    @Test func anErrorLosesTheRestOfItsBatchOnly() {
        var pending = PendingResponses()
        pending.sentParse(serverName: "pglens_a", clientName: nil, swallow: true)
        pending.sentClose(swallow: true)
        pending.sentParse(serverName: "pglens_b", clientName: "b", swallow: false)
        pending.sentRequests(1)
        pending.sentParse(serverName: "pglens_c", clientName: "c", swallow: false)
        pending.sentRequests(1)
        // The injected Parse fails: the server skips the Close and the second Parse up to Sync.
        let lost = pending.errorReceived()
        #expect(
            lost == [
                .init(serverName: "pglens_a", clientName: nil), .init(serverName: "pglens_b", clientName: "b"),
            ])
        #expect(pending.readyForQuery().isEmpty)
        // The next batch is answered normally.
        let next = pending.parseCompleted()
        #expect(next == .forward)
        #expect(pending.readyForQuery().isEmpty)
        #expect(pending.isEmpty)
    }

    @Test func anErrorInASimpleQueryDoesNotTouchTheNextBatch() {
        var pending = PendingResponses()
        pending.sentRequests(1)  // Query
        pending.sentParse(serverName: "pglens_x", clientName: "x", swallow: false)
        pending.sentRequests(1)  // Sync
        #expect(pending.errorReceived().isEmpty)
        #expect(pending.readyForQuery().isEmpty)
        let answer = pending.parseCompleted()
        #expect(answer == .forward)
        #expect(pending.readyForQuery().isEmpty)
        #expect(pending.isEmpty)
    }

    @Test func closeCompleteOfAnEvictionIsSwallowed() {
        var pending = PendingResponses()
        pending.sentClose(swallow: false)
        pending.sentClose(swallow: true)
        let first = pending.closeCompleted()
        let second = pending.closeCompleted()
        #expect(first == .forward)
        #expect(second == .swallow)
        #expect(pending.isEmpty)
    }

    @Test func unansweredRequestsCount() {
        var pending = PendingResponses()
        pending.sentRequests(3)
        _ = pending.readyForQuery()
        #expect(pending.unansweredRequests == 2)
        #expect(!pending.isEmpty)
    }
}
