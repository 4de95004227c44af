import NIOCore
import Testing

@testable import PGLensProxy

/// `server_idle_timeout`, `server_lifetime`, `server_login_retry`, `server_check_delay` and connections that
/// die while pooled, with explicit times.
@Suite struct PoolManagerStateLifetimeTests {
    let key = PoolKey(database: "app", user: "app")
    let limits = PoolLimits(poolSize: 2, maxDBConnections: 0)
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    private func at(_ seconds: Int64) -> NIODeadline { t0 + .seconds(seconds) }

    /// Opens server `id` for waiter `id` at `now` and gives it back at `releasedAt`.
    private func serve(
        _ state: inout PoolManagerState, _ id: Int, limits: PoolLimits? = nil, at now: NIODeadline,
        releasedAt: NIODeadline
    ) {
        _ = state.acquire(key: key, waiter: id, loop: 0, limits: limits ?? self.limits, now: now)
        _ = state.connected(server: id, loop: 0, now: now)
        _ = state.release(server: id, loop: 0, reusable: true, now: releasedAt)
    }

    /// Opens servers 1 and 2 at t0, both in use at once, and gives them back at the two times.
    private func openTwo(
        _ state: inout PoolManagerState, limits: PoolLimits, releasedAt first: NIODeadline, _ second: NIODeadline
    ) {
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.connected(server: 2, loop: 0, now: t0)
        _ = state.release(server: 1, loop: 0, reusable: true, now: first)
        _ = state.release(server: 2, loop: 0, reusable: true, now: second)
    }

    @Test func serverIdleTimeoutClosesConnectionsUnusedThatLong() {
        var state = PoolManagerState(times: ServerConnectionTimes(idleTimeout: .seconds(10), checkDelay: nil))
        openTwo(&state, limits: limits, releasedAt: t0, at(5))
        #expect(state.tick(now: at(9)) == [])
        #expect(state.tick(now: at(10)) == [.closeIdle(server: 1)])
        #expect(state.tick(now: at(15)) == [.closeIdle(server: 2)])
        #expect(state.totalCount(key) == 0)
    }

    @Test func serverIdleTimeoutKeepsMinPoolSize() {
        let kept = PoolLimits(poolSize: 2, maxDBConnections: 0, minPoolSize: 1)
        var state = PoolManagerState(times: ServerConnectionTimes(idleTimeout: .seconds(10), checkDelay: nil))
        openTwo(&state, limits: kept, releasedAt: t0, t0)
        #expect(state.tick(now: at(60)) == [.closeIdle(server: 1)])
        #expect(state.tick(now: at(120)) == [])
        #expect(state.totalCount(key) == 1)
    }

    @Test func serverIdleTimeoutOfZeroNeverCloses() {
        var state = PoolManagerState(
            times: ServerConnectionTimes(idleTimeout: nil, lifetime: .seconds(1_000_000), checkDelay: nil))
        serve(&state, 1, at: t0, releasedAt: t0)
        #expect(state.tick(now: at(100_000)) == [])
        #expect(state.idleCount(key) == 1)
    }

    @Test func serverLifetimeClosesAnOldConnectionOnReleaseAndReplacesItForAWaiter() {
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        var state = PoolManagerState(times: ServerConnectionTimes(lifetime: .seconds(60), checkDelay: nil))
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: at(59)) == [])
        #expect(state.acquire(key: key, waiter: 2, loop: 0, limits: one, now: at(59)) == [.handOver(server: 1, to: 2)])
        #expect(state.acquire(key: key, waiter: 3, loop: 0, limits: one, now: at(59)) == [])
        #expect(
            state.release(server: 1, loop: 0, reusable: true, now: at(60)) == [
                .closeIdle(server: 1), .connect(server: 2, key: key, loop: 0, for: 3),
            ])
        #expect(state.totalCount(key) == 1)
    }

    @Test func serverLifetimeClosesOldIdleConnectionsAtTheTickAndWhenTaken() {
        var state = PoolManagerState(times: ServerConnectionTimes(lifetime: .seconds(60), checkDelay: nil))
        serve(&state, 1, at: t0, releasedAt: t0)
        #expect(state.tick(now: at(59)) == [])
        #expect(state.takeIdle(key: key, loop: 0, now: at(60)) == nil)
        #expect(
            state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: at(60)) == [
                .closeIdle(server: 1), .connect(server: 2, key: key, loop: 0, for: 2),
            ])
        var ticked = PoolManagerState(times: ServerConnectionTimes(lifetime: .seconds(60), checkDelay: nil))
        serve(&ticked, 1, at: t0, releasedAt: t0)
        #expect(ticked.tick(now: at(60)) == [.closeIdle(server: 1)])
        #expect(ticked.totalCount(key) == 0)
    }

    @Test func serverLifetimeOfZeroUsesEachConnectionOnce() {
        var state = PoolManagerState(times: ServerConnectionTimes(lifetime: .zero, checkDelay: nil))
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        #expect(state.release(server: 1, loop: 0, reusable: true, now: t0) == [.closeIdle(server: 1)])
        #expect(state.totalCount(key) == 0)
    }

    @Test func failedLoginFailsClientsAtOnceUntilServerLoginRetryPassed() {
        var state = PoolManagerState(times: ServerConnectionTimes(loginRetry: .seconds(15)))
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: t0)
        let first = state.connectFailed(server: 1, now: t0)
        #expect(first.waiter == 1)
        #expect(first.actions == [])
        // Server 2 is still being opened: its client keeps waiting.
        let second = state.connectFailed(server: 2, now: t0)
        #expect(second.waiter == 2)
        #expect(second.actions == [])
        #expect(
            state.acquire(key: key, waiter: 3, loop: 0, limits: limits, now: at(14)) == [
                .fail(waiter: 3, reason: .serverLoginFailing(key))
            ])
        #expect(
            state.acquire(key: key, waiter: 4, loop: 0, limits: limits, now: at(15)) == [
                .connect(server: 3, key: key, loop: 0, for: 4)
            ])
        #expect(state.connected(server: 3, loop: 0, now: at(15)) == [.handOver(server: 3, to: 4)])
        #expect(state.acquire(key: key, waiter: 5, loop: 0, limits: limits, now: at(15)).count == 1)
    }

    @Test func failedLoginFailsEveryWaiterWhenThePoolHasNoConnection() {
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        var state = PoolManagerState()
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: one, now: t0)
        let (waiter, actions) = state.connectFailed(server: 1, now: t0)
        #expect(waiter == 1)
        #expect(actions == [.fail(waiter: 2, reason: .serverLoginFailing(key))])
        #expect(state.waitingCount(key) == 0)
    }

    @Test func failedLoginKeepsWaitersWhileOtherConnectionsWork() {
        var state = PoolManagerState()
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: limits, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: t0)
        _ = state.acquire(key: key, waiter: 3, loop: 0, limits: limits, now: t0)
        let (waiter, actions) = state.connectFailed(server: 2, now: t0)
        #expect(waiter == 2)
        #expect(actions == [])
        #expect(state.release(server: 1, loop: 0, reusable: true, now: at(1)) == [.handOver(server: 1, to: 3)])
    }

    @Test func temporaryFailuresKeepEveryWaiterAndRetryFromFiveMillisecondsDoubling() {
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        var state = PoolManagerState(times: ServerConnectionTimes(loginRetry: .seconds(15)))
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: one, now: t0)
        var now = t0
        var delays: [Int64] = []
        for server in 1...8 {
            let (waiter, actions) = state.connectFailed(server: server, now: now, temporary: true)
            // The client the connection was opened for keeps its place: no one is failed.
            #expect(waiter == nil)
            guard case .scheduleRetry(key, let at) = actions.first, actions.count == 1 else {
                Issue.record("\(actions)")
                return
            }
            delays.append((at - now).nanoseconds / 1_000_000)
            #expect(state.retryDue(key: key, now: at - .milliseconds(1)) == [], "not before its time")
            #expect(state.retryDue(key: key, now: at) == [.connect(server: server + 1, key: key, loop: 0, for: 1)])
            now = at
        }
        #expect(delays == [5, 10, 20, 40, 80, 160, 250, 250])
        // The server accepts again: the first waiter is served, and the next failure starts from 5 ms.
        #expect(state.connected(server: 9, loop: 0, now: now) == [.handOver(server: 9, to: 1)])
        #expect(state.release(server: 9, loop: 0, reusable: true, now: now) == [.handOver(server: 9, to: 2)])
    }

    @Test func aRefusedLoginStillHoldsOffForServerLoginRetry() {
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        var state = PoolManagerState(times: ServerConnectionTimes(loginRetry: .seconds(15)))
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        let (waiter, actions) = state.connectFailed(server: 1, now: t0, temporary: false)
        #expect(waiter == 1)
        #expect(actions == [])
        #expect(
            state.acquire(key: key, waiter: 2, loop: 0, limits: one, now: at(1)) == [
                .fail(waiter: 2, reason: .serverLoginFailing(key))
            ])
    }

    @Test func connectionUnusedLongerThanServerCheckDelayIsCheckedFirst() {
        var state = PoolManagerState(times: ServerConnectionTimes(checkDelay: .seconds(30)))
        serve(&state, 1, at: t0, releasedAt: t0)
        #expect(state.takeIdle(key: key, loop: 0, now: at(29)) == 1)
        _ = state.release(server: 1, loop: 0, reusable: true, now: at(29))
        #expect(state.takeIdle(key: key, loop: 0, now: at(59)) == nil)
        #expect(state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: at(59)) == [.check(server: 1, for: 2)])
        #expect(state.checkPassed(server: 1, waiter: 2, now: at(59)) == [.handOver(server: 1, to: 2)])
        _ = state.release(server: 1, loop: 0, reusable: true, now: at(60))
        #expect(state.takeIdle(key: key, loop: 0, now: at(61)) == 1)
    }

    @Test func failedCheckGivesTheClientAFreshConnectionNotAnError() {
        var state = PoolManagerState(times: ServerConnectionTimes(checkDelay: .seconds(30)))
        serve(&state, 1, at: t0, releasedAt: t0)
        #expect(state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: at(40)) == [.check(server: 1, for: 2)])
        #expect(
            state.checkFailed(server: 1, key: key, waiter: 2, loop: 0, now: at(40)) == [
                .closeIdle(server: 1), .connect(server: 2, key: key, loop: 0, for: 2),
            ])
        #expect(state.totalCount(key) == 1)
        #expect(state.connected(server: 2, loop: 0, now: at(41)) == [.handOver(server: 2, to: 2)])
    }

    @Test func failedCheckPrefersAnotherIdleConnection() {
        var state = PoolManagerState(times: ServerConnectionTimes(checkDelay: .seconds(30)))
        openTwo(&state, limits: limits, releasedAt: at(35), t0)
        #expect(state.acquire(key: key, waiter: 3, loop: 0, limits: limits, now: at(40)) == [.check(server: 2, for: 3)])
        #expect(
            state.checkFailed(server: 2, key: key, waiter: 3, loop: 0, now: at(40)) == [
                .closeIdle(server: 2), .handOver(server: 1, to: 3),
            ])
    }

    @Test func serverCheckDelayOfZeroChecksEveryTime() {
        var state = PoolManagerState(times: ServerConnectionTimes(checkDelay: .zero))
        serve(&state, 1, at: t0, releasedAt: t0)
        #expect(state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: t0) == [.check(server: 1, for: 2)])
    }

    @Test func connectionClosedWhileIdleIsNeverHandedOut() {
        var state = PoolManagerState()
        serve(&state, 1, at: t0, releasedAt: t0)
        #expect(state.idleClosed(server: 1, now: at(1)) == [])
        #expect(state.takeIdle(key: key, loop: 0, now: at(1)) == nil)
        #expect(
            state.acquire(key: key, waiter: 2, loop: 0, limits: limits, now: at(1)) == [
                .connect(server: 2, key: key, loop: 0, for: 2)
            ])
    }

    @Test func connectionClosedInUseLetsAWaiterOpenANewOne() {
        let one = PoolLimits(poolSize: 1, maxDBConnections: 0)
        var state = PoolManagerState()
        _ = state.acquire(key: key, waiter: 1, loop: 0, limits: one, now: t0)
        _ = state.connected(server: 1, loop: 0, now: t0)
        _ = state.acquire(key: key, waiter: 2, loop: 0, limits: one, now: t0)
        #expect(state.idleClosed(server: 1, now: at(1)) == [.connect(server: 2, key: key, loop: 0, for: 2)])
        // The client that held it then discards it: nothing more happens.
        #expect(state.release(server: 1, loop: 0, reusable: false, now: at(1)) == [])
    }
}
