import NIOCore
import Testing

@testable import PGLensProxy

/// A connection given back goes to a waiting client on its own event loop when that client came soon
/// enough after the first in line; otherwise the first in line gets it.
@Suite struct PoolManagerStateLoopPreferenceTests {
    let key = PoolKey(database: "app", user: "app")
    let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    /// A pool of one connection on loop 0, held by client 1.
    private func heldPool() -> PoolManagerState {
        var state = PoolManagerState(loopCount: 2)
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        return state
    }

    @Test func aClientOnTheConnectionsLoopGoesFirstWithinTheWindow() {
        var state = heldPool()
        _ = state.acquire(key: key, waiter: 2, loop: 1, limits: one, now: t0)
        _ = state.acquire(key: key, waiter: 3, loop: 0, limits: one, now: t0 + .milliseconds(1))
        #expect(
            state.release(server: 1, loop: 0, reusable: true, now: t0 + .milliseconds(2)) == [
                .handOver(server: 1, to: 3)
            ])
        // The client passed over is next, wherever the connection lives.
        #expect(
            state.release(server: 1, loop: 0, reusable: true, now: t0 + .milliseconds(3)) == [
                .handOver(server: 1, to: 2)
            ])
        #expect(state.waitingCount(key) == 0)
    }

    @Test func theFirstInLineIsServedWhenTheOtherCameTooLate() {
        var state = heldPool()
        _ = state.acquire(key: key, waiter: 2, loop: 1, limits: one, now: t0)
        let late = t0 + PoolManagerState.sameLoopPreference + .milliseconds(1)
        _ = state.acquire(key: key, waiter: 3, loop: 0, limits: one, now: late)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: late) == [.handOver(server: 1, to: 2)])
        #expect(state.release(server: 1, loop: 0, reusable: true, now: late) == [.handOver(server: 1, to: 3)])
    }

    @Test func withoutAClientOnItsLoopTheOrderIsKept() {
        var state = heldPool()
        _ = state.acquire(key: key, waiter: 2, loop: 1, limits: one, now: t0)
        _ = state.acquire(key: key, waiter: 3, loop: 1, limits: one, now: t0)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [.handOver(server: 1, to: 2)])
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [.handOver(server: 1, to: 3)])
    }

    @Test func aCancelledWaiterIsNeverServedAfterBeingPassedOver() {
        var state = heldPool()
        _ = state.acquire(key: key, waiter: 2, loop: 1, limits: one, now: t0)
        _ = state.acquire(key: key, waiter: 3, loop: 0, limits: one, now: t0)
        _ = state.acquire(key: key, waiter: 4, loop: 1, limits: one, now: t0)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [.handOver(server: 1, to: 3)])
        let cancelled = state.cancelWait(key: key, waiter: 2)
        #expect(cancelled)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [.handOver(server: 1, to: 4)])
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [])
        #expect(state.idleCount(key) == 1)
    }
}
