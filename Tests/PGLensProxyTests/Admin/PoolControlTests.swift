import NIOCore
import Testing

@testable import PGLensProxy

/// Pauses, parked requests and RECONNECT marks.
@Suite struct PoolControlTests {
    private static let limits = PoolLimits(poolSize: 2, maxDBConnections: 0)

    @Test func pauseParksAndResumeReleasesPerDatabase() {
        var control = PoolControl()
        control.pause("app")
        #expect(control.isPaused("app"))
        #expect(!control.isPaused("other"))
        control.park(.init(key: PoolKey(database: "app", user: "u"), waiter: 1, loop: 0))
        #expect(control.parkedCount(database: "app") == 1)
        #expect(control.resume("other").isEmpty)
        #expect(control.resume("app").map(\.waiter) == [1])
        #expect(control.parkedCount(database: nil) == 0)
    }

    @Test func pauseOfEverythingHoldsUntilResumeOfEverything() {
        var control = PoolControl()
        control.pause(nil)
        control.park(.init(key: PoolKey(database: "a", user: "u"), waiter: 1, loop: 0))
        control.park(.init(key: PoolKey(database: "b", user: "u"), waiter: 2, loop: 0))
        #expect(control.resume("a").isEmpty)
        let first = control.unpark(waiter: 2)
        let second = control.unpark(waiter: 2)
        #expect(first && !second)
        #expect(control.resume(nil).map(\.waiter) == [1])
    }

    @Test func closeMarksAreTakenOnce() {
        var control = PoolControl()
        control.markForClose(5, database: "app")
        #expect(control.markedCount(database: "app") == 1)
        #expect(control.markedCount(database: "other") == 0)
        let first = control.takeCloseMark(5)
        let second = control.takeCloseMark(5)
        #expect(first && !second)
        #expect(control.markedCount(database: nil) == 0)
    }

    @Test func stateReportsCountsAndClosesIdleOfOneDatabase() {
        var state = PoolManagerState()
        let now = NIODeadline.now()
        let app = PoolKey(database: "app", user: "u")
        let other = PoolKey(database: "other", user: "u")
        _ = state.acquire(key: app, waiter: 1, loop: 0, limits: Self.limits, now: now)
        _ = state.acquire(key: other, waiter: 2, loop: 0, limits: Self.limits, now: now)
        _ = state.connected(server: 1, loop: 0, now: now)
        _ = state.connected(server: 2, loop: 0, now: now)
        // Both clients hold a connection; the app one is given back and sits idle.
        _ = state.release(server: 1, loop: 0, reusable: true, now: now)
        #expect(state.poolCounts()[app] == .init(idle: 1, active: 0, connecting: 0, waiting: 0))
        #expect(state.poolCounts()[other] == .init(idle: 0, active: 1, connecting: 0, waiting: 0))
        #expect(state.idleServerIDs == [1])
        #expect(Set(state.openServerIDs(database: nil)) == [1, 2])
        #expect(state.closeIdle(database: "other").isEmpty)
        #expect(state.closeIdle(database: "app") == [.closeIdle(server: 1)])
        #expect(state.totalCount(app) == 0)
    }
}
