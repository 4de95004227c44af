import NIOCore
import Testing

@testable import PGLensProxy

/// `min_pool_size`, `reserve_pool_size` / `reserve_pool_timeout` and `max_user_connections`, with explicit times.
@Suite struct PoolManagerStateLimitsTests {
    let key = PoolKey(database: "app", user: "app")
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    private func at(_ seconds: Int64) -> NIODeadline { t0 + .seconds(seconds) }

    /// A state whose pool `key` has served one client and holds its connection (server 1) idle.
    private func stateWithOneIdle(_ limits: PoolLimits, loopCount: Int = 1) -> PoolManagerState {
        var state = PoolManagerState(loopCount: loopCount)
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.release(server: 1, loop: 0, reusable: true, now: t0)
        return state
    }

    @Test func minPoolSizeOpensConnectionsWithoutClientsOnceThePoolExists() {
        let limits = PoolLimits(poolSize: 5, maxDBConnections: 0, minPoolSize: 3)
        var empty = PoolManagerState()
        #expect(empty.tick(now: t0) == [])
        var state = stateWithOneIdle(limits, loopCount: 2)
        #expect(
            state.tick(now: at(1)) == [
                .connect(server: 2, key: key, loop: 0, for: nil), .connect(server: 3, key: key, loop: 1, for: nil),
            ])
        #expect(state.totalCount(key) == 3)
        #expect(state.tick(now: at(2)) == [])
        #expect(state.connected(server: 2, loop: 0, now: at(2)) == [])
        #expect(state.connected(server: 3, loop: 1, now: at(2)) == [])
        #expect(state.idleCount(key) == 3)
    }

    @Test func minPoolSizeConnectionGoesToAClientWaitingMeanwhile() {
        var state = stateWithOneIdle(PoolLimits(poolSize: 1, maxDBConnections: 0, minPoolSize: 1))
        #expect(state.idleClosed(server: 1, now: t0) == [])
        #expect(state.tick(now: at(1)) == [.connect(server: 2, key: key, loop: 0, for: nil)])
        let limits = PoolLimits(poolSize: 1, maxDBConnections: 0, minPoolSize: 1)
        #expect(state.acquire(key: key, waiter: 9, loop: 0, limits: limits, now: at(1)) == [])
        #expect(state.connected(server: 2, loop: 0, now: at(2)) == [.handOver(server: 2, to: 9)])
    }

    @Test func minPoolSizeStaysWithinPoolSizeAndDatabaseCap() {
        var state = stateWithOneIdle(PoolLimits(poolSize: 2, maxDBConnections: 0, minPoolSize: 5))
        #expect(state.tick(now: at(1)) == [.connect(server: 2, key: key, loop: 0, for: nil)])
        #expect(state.tick(now: at(2)) == [])
        var capped = stateWithOneIdle(PoolLimits(poolSize: 5, maxDBConnections: 1, minPoolSize: 3))
        #expect(capped.tick(now: at(1)) == [])
        #expect(capped.totalCount(key) == 1)
    }

    @Test func reservePoolIsUsedOnlyAfterAClientWaitedReservePoolTimeout() {
        let limits = PoolLimits(poolSize: 1, maxDBConnections: 0, reservePoolSize: 1, reservePoolTimeout: .seconds(5))
        var state = PoolManagerState()
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        #expect(state.connected(server: 1, loop: 0, now: t0) == [.handOver(server: 1, to: 1)])
        #expect(state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: t0) == [])
        #expect(state.tick(now: at(4)) == [])
        #expect(state.tick(now: at(5)) == [.connect(server: 2, key: key, loop: 0, for: 2)])
        #expect(state.connected(server: 2, loop: 0, now: at(5)) == [.handOver(server: 2, to: 2)])
        #expect(state.totalCount(key) == 2)
        // Once nobody waits, the reserve connection is closed on release; the pool is back to its size.
        #expect(state.release(server: 2, loop: 0, reusable: true, now: at(6)) == [.closeIdle(server: 2)])
        #expect(state.totalCount(key) == 1)
    }

    @Test func reservePoolOfZeroNeverGrowsBeyondThePoolSize() {
        let limits = PoolLimits(poolSize: 1, maxDBConnections: 0, reservePoolSize: 0, reservePoolTimeout: .seconds(1))
        var state = PoolManagerState()
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: t0)
        #expect(state.tick(now: at(100)) == [])
        #expect(state.waitingCount(key) == 1)
    }

    @Test func maxUserConnectionsCapsAUserAcrossDatabases() {
        let limits = PoolLimits(poolSize: 5, maxDBConnections: 0, maxUserConnections: 2)
        let other = PoolKey(database: "reports", user: "app")
        var state = PoolManagerState()
        #expect(state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0).count == 1)
        #expect(state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: t0).count == 1)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.connected(server: 2, loop: 0, now: t0)
        #expect(state.acquire(key: other, waiter: 3, loop: 0, limits: limits, now: t0) == [])
        #expect(state.userTotal("app") == 2)
        // A connection of the user coming back idle makes room for the other database's waiting client.
        #expect(
            state.release(server: 1, loop: 0, reusable: true, now: at(1)) == [
                .closeIdle(server: 1), .connect(server: 3, key: other, loop: 0, for: 3),
            ])
        #expect(state.userTotal("app") == 2)
        #expect(state.totalCount(key) == 1)
    }

    @Test func maxUserConnectionsClosesAnIdleConnectionOfTheUsersOtherPool() {
        let limits = PoolLimits(poolSize: 5, maxDBConnections: 0, maxUserConnections: 1)
        let other = PoolKey(database: "reports", user: "app")
        var state = stateWithOneIdle(limits)
        #expect(
            state.acquire(key: other, waiter: 2, loop: 0, limits: limits, now: at(1)) == [
                .closeIdle(server: 1), .connect(server: 2, key: other, loop: 0, for: 2),
            ])
        #expect(state.userTotal("app") == 1)
    }

    @Test func maxUserConnectionsDoesNotLimitOtherUsers() {
        let limits = PoolLimits(poolSize: 5, maxDBConnections: 0, maxUserConnections: 1)
        let otherUser = PoolKey(database: "app", user: "reporting")
        var state = stateWithOneIdle(limits)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: at(1))
        #expect(
            state.acquire(key: otherUser, waiter: 3, loop: 0, limits: limits, now: at(1)) == [
                .connect(server: 2, key: otherUser, loop: 0, for: 3)
            ])
    }
}
