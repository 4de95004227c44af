import NIOCore

/// One pool's state in `PoolManagerState`: its limits, its idle connections, how many exist and are being
/// opened, its clients waiting in line, and its retry after a failed login. The rules that decide when to
/// open, hand over or close live in `PoolManagerState`; this type keeps the line of waiters in order.
struct PoolQueue {
    /// A client waiting for a connection.
    struct Waiter {
        var waiter: PoolManagerState.WaiterID
        var loop: Int
        /// When the client started waiting, for `reserve_pool_timeout`.
        var since: NIODeadline
    }

    var limits: PoolLimits
    var idle: [(server: PoolManagerState.ServerID, loop: Int)] = []
    /// Connections that exist or are being opened (idle, in use or connecting).
    var total = 0
    /// Connections being opened right now.
    var connecting = 0
    var waiters: [Waiter] = []
    var waitersHead = 0
    /// No new connection is tried before this, after a failed one (`server_login_retry`).
    var retryAt: NIODeadline?
    /// The last attempt failed in a way that is not temporary (not "the database system is starting
    /// up"): while the pool has no connection, clients are told at once.
    var loginFailing = false
    /// Temporary failures in a row (the server restarting): the next retry waits twice as long.
    var temporaryFailures = 0

    var waitingCount: Int { waiters.count - waitersHead }

    func indexOfWaiter(_ waiter: PoolManagerState.WaiterID) -> Int? {
        waiters[waitersHead...].firstIndex { $0.waiter == waiter }
    }

    func isWaitingForRetry(_ now: NIODeadline) -> Bool {
        retryAt.map { now < $0 } ?? false
    }

    mutating func popWaiter() -> Waiter? {
        guard waitersHead < waiters.count else { return nil }
        let next = waiters[waitersHead]
        waitersHead += 1
        if waitersHead > 64, waitersHead * 2 > waiters.count {
            waiters.removeFirst(waitersHead)
            waitersHead = 0
        }
        return next
    }

    /// The first waiter on `loop`, unless it came more than `window` after the first in line: a
    /// connection stays on its event loop when that costs the others little (a connection handed to a
    /// client on another loop costs a thread hop per message), and no loop's clients are starved.
    mutating func popWaiter(preferring loop: Int, window: TimeAmount) -> Waiter? {
        guard waitersHead < waiters.count else { return nil }
        let first = waiters[waitersHead]
        if first.loop == loop { return popWaiter() }
        var index = waitersHead + 1
        while index < waiters.count {
            let candidate = waiters[index]
            if candidate.since - first.since > window { break }
            if candidate.loop == loop {
                waiters.remove(at: index)
                return candidate
            }
            index += 1
        }
        return popWaiter()
    }
}
