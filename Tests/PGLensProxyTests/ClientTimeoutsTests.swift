import NIOCore
import Testing

@testable import PGLensProxy

@Suite struct ClientTimeoutsTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    private let limits = ClientTimeouts(clientIdle: 10, idleTransaction: 3, query: 2)

    private func activity(
        lastMessage: Int64 = 0, outstandingSince: Int64? = nil, inTransaction: Bool = false, cancelledAt: Int64? = nil
    ) -> ClientTimeouts.Activity {
        ClientTimeouts.Activity(
            lastClientMessage: start + .seconds(lastMessage),
            requestOutstandingSince: outstandingSince.map { start + .seconds($0) },
            inTransaction: inTransaction, cancelledAt: cancelledAt.map { start + .seconds($0) })
    }

    private func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    @Test func idleClientExpiresAfterClientIdleTimeout() {
        #expect(limits.expired(activity(), now: at(9)) == nil)
        #expect(limits.expired(activity(), now: at(10)) == .clientIdle)
    }

    @Test func idleTransactionComesFirstInsideATransactionBlock() {
        #expect(limits.expired(activity(inTransaction: true), now: at(2)) == nil)
        #expect(limits.expired(activity(inTransaction: true), now: at(3)) == .idleTransaction)
    }

    @Test func anOutstandingRequestIsCancelledThenAbandoned() {
        let running = activity(outstandingSince: 5)
        #expect(limits.expired(running, now: at(6)) == nil)
        // A client waiting for an answer is not idle, however long it waits.
        #expect(limits.expired(running, now: at(7)) == .query)
        let cancelled = activity(outstandingSince: 5, cancelledAt: 7)
        #expect(limits.expired(cancelled, now: at(8)) == nil)
        #expect(limits.expired(cancelled, now: at(9)) == .queryAbandoned)
    }

    @Test func limitsOffNeverExpire() {
        let off = ClientTimeouts(clientIdle: 0, idleTransaction: 0, query: 0)
        #expect(!off.isActive)
        #expect(off.expired(activity(outstandingSince: 0, inTransaction: true), now: at(100_000)) == nil)
        #expect(off.expired(activity(inTransaction: true), now: at(100_000)) == nil)
    }

    @Test func checkIntervalFollowsTheShortestLimit() {
        #expect(limits.checkInterval == .milliseconds(500))
        #expect(ClientTimeouts(clientIdle: 0.1, idleTransaction: 0, query: 0).checkInterval == .milliseconds(50))
        #expect(ClientTimeouts(clientIdle: 600, idleTransaction: 0, query: 0).checkInterval == .seconds(1))
    }

    @Test func aWaitForAServerEndsAtQueryWaitTimeoutAndNothingElseCounts() {
        let limits = ClientTimeouts(clientIdle: 1, idleTransaction: 1, query: 1, queryWait: 5)
        let waiting = ClientTimeouts.Activity(
            lastClientMessage: start, inTransaction: true, waitingSince: at(2))
        #expect(limits.expired(waiting, now: at(6)) == nil)
        #expect(limits.expired(waiting, now: at(7)) == .queryWait)
        let unlimited = ClientTimeouts(clientIdle: 0, idleTransaction: 0, query: 0)
        #expect(unlimited.expired(waiting, now: at(1000)) == nil)
        #expect(ClientTimeouts(clientIdle: 0, idleTransaction: 0, query: 0, queryWait: 120).isActive)
        #expect(
            ClientTimeouts(clientIdle: 0, idleTransaction: 0, query: 0, queryWait: 0.4).checkInterval
                == .milliseconds(100))
    }
}
