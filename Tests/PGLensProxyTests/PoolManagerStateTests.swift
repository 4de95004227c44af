import NIOCore
import Testing

@testable import PGLensProxy

@Suite struct PoolManagerStateTests {
    let key = PoolKey(database: "app", user: "app")
    let limits = PoolLimits(poolSize: 2, maxDBConnections: 0)
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    @Test func firstClientOpensAConnectionOnItsOwnLoop() {
        var state = PoolManagerState()
        let actions = state.acquire(key: key, waiter: 1, loop: 1, limits: limits, now: t0)
        #expect(actions == [.connect(server: 1, key: key, loop: 1, for: 1)])
        #expect(state.connected(server: 1, loop: 1, now: t0) == [.handOver(server: 1, to: 1)])
        #expect(state.totalCount(key) == 1)
    }

    @Test func releasedConnectionIsReusedPreferringTheClientsLoop() {
        var state = PoolManagerState()
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 1, limits: limits, now: t0)
        _ = state.connected(server: 2, loop: 1, now: t0)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [])
        #expect(state.release(server: 2, loop: 1, reusable: true, now: t0) == [])
        #expect(state.acquire(key: key, waiter: 3, loop: 0, limits: limits, now: t0) == [.handOver(server: 1, to: 3)])
        #expect(state.acquire(key: key, waiter: 4, loop: 0, limits: limits, now: t0) == [.handOver(server: 2, to: 4)])
    }

    @Test func fullPoolQueuesClientsInOrder() {
        var state = PoolManagerState()
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        #expect(state.acquire(key: key, waiter: 2, loop: 0, limits: one, now: t0) == [])
        #expect(state.acquire(key: key, waiter: 3, loop: 0, limits: one, now: t0) == [])
        #expect(state.waitingCount(key) == 2)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [.handOver(server: 1, to: 2)])
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [.handOver(server: 1, to: 3)])
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [])
        #expect(state.idleCount(key) == 1)
    }

    @Test func cancelledWaiterIsSkipped() {
        var state = PoolManagerState()
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: one, now: t0)
        _ = state.acquire(key: key, waiter: 3, loop: 0, limits: one, now: t0)
        let cancelled = state.cancelWait(key: key, waiter: 2)
        let cancelledAgain = state.cancelWait(key: key, waiter: 2)
        #expect(cancelled == true)
        #expect(cancelledAgain == false)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [.handOver(server: 1, to: 3)])
    }

    @Test func brokenConnectionMakesRoomForANewOne() {
        var state = PoolManagerState()
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 1, limits: one, now: t0)
        #expect(
            state.release(server: 1, loop: 0, reusable: false, now: t0) == [
                .connect(server: 2, key: key, loop: 1, for: 2)
            ])
        #expect(state.totalCount(key) == 1)
    }

    @Test func failedConnectGoesToTheClientItWasOpenedFor() {
        var state = PoolManagerState()
        _ = state.acquire(key: key, waiter: 7, loop: 0, limits: limits, now: t0)
        let (waiter, actions) = state.connectFailed(server: 1, now: t0)
        #expect(waiter == 7)
        #expect(actions == [])
        #expect(state.totalCount(key) == 0)
        #expect(state.waitingCount(key) == 0)
    }

    @Test func databaseCapClosesAnIdleConnectionOfAnotherUser() {
        var state = PoolManagerState()
        let capped = PoolLimits(poolSize: 5, maxDBConnections: 1)
        let other = PoolKey(database: "app", user: "reporting")
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: capped, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.release(server: 1, loop: 0, reusable: true, now: t0)
        #expect(
            state.acquire(key: other, waiter: 2, loop: 0, limits: capped, now: t0) == [
                .closeIdle(server: 1), .connect(server: 2, key: other, loop: 0, for: 2),
            ])
        #expect(state.databaseTotal("app") == 1)
    }

    @Test func shutDownFailsWaitersAndClosesIdleConnections() {
        var state = PoolManagerState()
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.release(server: 1, loop: 0, reusable: true, now: t0)
        let other = PoolKey(database: "app", user: "b")
        _ = state.acquire(key: other, waiter: 2, loop: 0, limits: one, now: t0)
        _ = state.connected(server: 2, loop: 0, now: t0)
        _ = state.acquire(key: other, waiter: 3, loop: 0, limits: one, now: t0)
        let actions = state.shutDown()
        #expect(actions.contains(.closeIdle(server: 1)))
        #expect(actions.contains(.fail(waiter: 3, reason: .poolShutDown)))
        #expect(
            state.acquire(key: key, waiter: 4, loop: 0, limits: one, now: t0) == [
                .fail(waiter: 4, reason: .poolShutDown)
            ])
    }

    @Test func connectionOpenedDuringShutDownIsClosed() {
        var state = PoolManagerState()
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        #expect(state.shutDown() == [.fail(waiter: 1, reason: .poolShutDown)])
        #expect(state.connected(server: 1, loop: 0, now: t0) == [.closeIdle(server: 1)])
        #expect(state.totalCount(key) == 0)
    }
}
