import NIOCore

/// The bookkeeping of every pool, as an I/O-free value: which server connections exist, which are idle,
/// which clients wait, and what must happen next.
///
/// Server connections and waiting clients are plain ids; `PoolManager` maps them to real objects and
/// carries out the actions. Idle connections remember the event loop they live on (`loop`), so that a
/// client is given a connection on its own loop when there is one. There is no clock inside: every event
/// that depends on time is given `now`, and `tick(now:)` (called about once a second) applies the rules
/// that time alone triggers (`server_idle_timeout`, `server_lifetime`, `min_pool_size`,
/// `reserve_pool_timeout`, the end of `server_login_retry`).
struct PoolManagerState {
    typealias ServerID = Int
    typealias WaiterID = Int

    /// What `PoolManager` must do after a call.
    enum Action: Equatable {
        /// Give the idle server connection to the waiting client.
        case handOver(server: ServerID, to: WaiterID)
        /// Run `server_check_query` on the connection, unused for longer than `server_check_delay`, before
        /// the waiting client gets it; report the outcome with `checkPassed` or `checkFailed`.
        case check(server: ServerID, for: WaiterID)
        /// Open a new server connection on `loop` for the pool; it is meant for `waiter`, or for no one
        /// when it is opened to keep `min_pool_size`.
        case connect(server: ServerID, key: PoolKey, loop: Int, for: WaiterID?)
        /// Close a server connection no client holds: to make room under a cap, past `server_lifetime`,
        /// unused past `server_idle_timeout`, or failed its check.
        case closeIdle(server: ServerID)
        /// Tell the waiting client that it gets no connection.
        case fail(waiter: WaiterID, reason: FailureReason)
        /// Call `retryDue(key:now:)` at `at`: the next attempt after a transient failure, sooner than the
        /// once-a-second tick.
        case scheduleRetry(key: PoolKey, at: NIODeadline)
    }

    enum FailureReason: Equatable {
        case poolShutDown
        /// Opening a connection for this pool failed lately and the pool has none: the client gets the
        /// last failure at once instead of waiting for the next attempt (`server_login_retry`).
        case serverLoginFailing(PoolKey)
    }

    private struct ServerTimes {
        var openedAt: NIODeadline
        /// When a client last gave the connection back (or it was opened or checked).
        var lastUsedAt: NIODeadline
    }

    private typealias Pool = PoolQueue
    private typealias Waiter = PoolQueue.Waiter

    /// How much later than the first client in line a client on the connection's own event loop may have
    /// started waiting and still be served first (see `PoolQueue.popWaiter(preferring:window:)`).
    static let sameLoopPreference = TimeAmount.milliseconds(5)

    private var pools: [PoolKey: Pool] = [:]
    private var serverKeys: [ServerID: PoolKey] = [:]
    private var serverTimes: [ServerID: ServerTimes] = [:]
    /// Connections to each database across its pools.
    private var databaseTotals: [String: Int] = [:]
    /// Connections of each user across its pools (databases).
    private var userTotals: [String: Int] = [:]
    /// For each connection being opened, the client it was opened for.
    private var connectingFor: [ServerID: WaiterID] = [:]
    private var nextServerID = 1
    private var closed = false
    private let times: ServerConnectionTimes
    /// Event loops to spread connections opened for no client (`min_pool_size`) over.
    private let loopCount: Int
    private var nextLoop = 0

    init(loopCount: Int = 1, times: ServerConnectionTimes = ServerConnectionTimes()) {
        self.loopCount = max(loopCount, 1)
        self.times = times
    }

    // MARK: Queries

    func idleCount(_ key: PoolKey) -> Int { pools[key]?.idle.count ?? 0 }
    func totalCount(_ key: PoolKey) -> Int { pools[key]?.total ?? 0 }
    func waitingCount(_ key: PoolKey) -> Int { pools[key]?.waitingCount ?? 0 }
    func databaseTotal(_ database: String) -> Int { databaseTotals[database] ?? 0 }
    func userTotal(_ user: String) -> Int { userTotals[user] ?? 0 }
    var keys: [PoolKey] { Array(pools.keys) }

    // MARK: Events

    /// A client on event loop `loop` asks for a server connection of pool `key`.
    mutating func acquire(key: PoolKey, waiter: WaiterID, loop: Int, limits: PoolLimits, now: NIODeadline) -> [Action] {
        if closed { return [.fail(waiter: waiter, reason: .poolShutDown)] }
        var pool = pools.removeValue(forKey: key) ?? Pool(limits: limits)
        pool.limits = limits
        defer { pools[key] = pool }

        var actions: [Action] = []
        if pool.waitingCount == 0, serveFromIdle(waiter: waiter, loop: loop, pool: &pool, now: now, into: &actions) {
            return actions
        }
        if pool.total == 0, pool.loginFailing, pool.isWaitingForRetry(now) {
            return actions + [.fail(waiter: waiter, reason: .serverLoginFailing(key))]
        }
        pool.waiters.append(Waiter(waiter: waiter, loop: loop, since: now))
        return actions + growIfPossible(key: key, pool: &pool, now: now)
    }

    /// Takes an idle connection of pool `key` that lives on `loop`, if there is one that needs no check and
    /// nobody waits: the fast path of transaction pooling, which asks for a connection at every transaction.
    mutating func takeIdle(key: PoolKey, loop: Int, now: NIODeadline) -> ServerID? {
        guard let pool = pools[key], pool.waitingCount == 0,
            let index = pool.idle.lastIndex(where: { $0.loop == loop })
        else { return nil }
        let server = pool.idle[index].server
        guard !isPastLifetime(server, now), !needsCheck(server, now) else { return nil }
        // In place: a copy of the pool taken out of the dictionary would copy its arrays on write.
        pools[key]!.idle.remove(at: index)
        return server
    }

    /// A waiting client gave up (timeout or disconnect). Returns false if it was no longer waiting.
    mutating func cancelWait(key: PoolKey, waiter: WaiterID) -> Bool {
        guard var pool = pools[key] else { return false }
        defer { pools[key] = pool }
        for index in pool.waitersHead..<pool.waiters.count where pool.waiters[index].waiter == waiter {
            pool.waiters.remove(at: index)
            return true
        }
        return false
    }

    /// A connection opened by `.connect` is ready.
    mutating func connected(server: ServerID, loop: Int, now: NIODeadline) -> [Action] {
        guard !closed, let key = serverKeys[server], var pool = pools[key] else {
            _ = forget(server: server)
            connectingFor[server] = nil
            return [.closeIdle(server: server)]
        }
        defer { pools[key] = pool }
        serverTimes[server] = ServerTimes(openedAt: now, lastUsedAt: now)
        pool.connecting -= 1
        pool.retryAt = nil
        pool.loginFailing = false
        pool.temporaryFailures = 0
        let intended = connectingFor.removeValue(forKey: server)
        if let intended, let index = pool.indexOfWaiter(intended) {
            pool.waiters.remove(at: index)
            return [.handOver(server: server, to: intended)]
        }
        if let next = pool.popWaiter() {
            return [.handOver(server: server, to: next.waiter)]
        }
        pool.idle.append((server, loop))
        return []
    }

    /// A connection opened by `.connect` could not be opened or logged in. The client it was opened for
    /// learns it from `PoolManager` (with the server's error); returns what else must happen.
    ///
    /// A login the server refused (a wrong password, a missing database): as PgBouncer does, the pool tries
    /// no new connection before `server_login_retry` has passed, and when it has no connection left, every
    /// waiting client is failed at once (they could only wait for the retry).
    ///
    /// A `temporary` failure (the server is restarting: refused connections, "the database system is
    /// starting up" or "shutting down") fails no one: the client it was opened for keeps its place, and the
    /// pool tries again after a delay that starts at ``firstRetryDelay`` and doubles up to
    /// ``longestRetryDelay`` (never past `server_login_retry`), so that clients are served within a fraction
    /// of a second of the server accepting again; they wait within `query_wait_timeout`.
    mutating func connectFailed(
        server: ServerID, now: NIODeadline, temporary: Bool = false
    ) -> (
        waiter: WaiterID?, actions: [Action]
    ) {
        let intended = connectingFor.removeValue(forKey: server)
        guard let key = forget(server: server), var pool = pools[key] else { return (nil, []) }
        pool.connecting -= 1
        if temporary {
            let delay = min(
                Self.firstRetryDelay * (1 << min(pool.temporaryFailures, 16)), Self.longestRetryDelay,
                times.loginRetry)
            pool.temporaryFailures += 1
            pool.retryAt = now + delay
            pools[key] = pool
            return (nil, [.scheduleRetry(key: key, at: now + delay)])
        }
        var waiter: WaiterID?
        if let intended, let index = pool.indexOfWaiter(intended) {
            pool.waiters.remove(at: index)
            waiter = intended
        }
        if times.loginRetry > .zero { pool.retryAt = now + times.loginRetry }
        var actions: [Action] = []
        pool.loginFailing = true
        if pool.total == 0 {
            while let next = pool.popWaiter() {
                actions.append(.fail(waiter: next.waiter, reason: .serverLoginFailing(key)))
            }
        }
        pools[key] = pool
        return (waiter, actions + serveWaiters(after: key, now: now))
    }

    /// The first delay before a new attempt after a temporary failure, and the longest.
    static let firstRetryDelay = TimeAmount.milliseconds(5)
    static let longestRetryDelay = TimeAmount.milliseconds(250)

    /// A retry scheduled after a temporary failure is due: open connections for the waiting clients.
    mutating func retryDue(key: PoolKey, now: NIODeadline) -> [Action] {
        guard !closed, pools[key] != nil else { return [] }
        return serveWaiters(after: key, now: now)
    }

    /// A client is done with a connection. `reusable` is false when the connection is closed instead.
    mutating func release(server: ServerID, loop: Int, reusable: Bool, now: NIODeadline) -> [Action] {
        guard let key = serverKeys[server] else { return [] }
        if !reusable || closed {
            _ = forget(server: server)
            return serveWaiters(after: key, now: now) + (closed && reusable ? [.closeIdle(server: server)] : [])
        }
        if isPastLifetime(server, now) {
            // Older than server_lifetime: closed instead of pooled; a waiting client gets a fresh one.
            _ = forget(server: server)
            return [.closeIdle(server: server)] + serveWaiters(after: key, now: now)
        }
        serverTimes[server]?.lastUsedAt = now
        // Taken out of the dictionary while it changes, so that its arrays are not copied on write.
        guard var pool = pools.removeValue(forKey: key) else { return [] }
        defer { pools[key] = pool }
        if let next = pool.popWaiter(preferring: loop, window: Self.sameLoopPreference) {
            return [.handOver(server: server, to: next.waiter)]
        }
        pool.idle.append((server, loop))
        if pool.total > pool.limits.poolSize, let index = pool.idle.indices.last {
            // The pool was shrunk, or a reserve connection is no longer needed: close what is beyond its size.
            let extra = pool.idle.remove(at: index).server
            drop(extra, from: &pool)
            return [.closeIdle(server: extra)]
        }
        return otherPoolsNeedRoom(except: key, pool: &pool, now: now)
    }

    /// The check of a connection (`.check`) succeeded: the client gets it.
    mutating func checkPassed(server: ServerID, waiter: WaiterID, now: NIODeadline) -> [Action] {
        serverTimes[server]?.lastUsedAt = now
        return [.handOver(server: server, to: waiter)]
    }

    /// The check of a connection (`.check`) failed, or the connection was found closed when handed over:
    /// it is closed, and the client gets another connection (first in line), never the error.
    mutating func checkFailed(
        server: ServerID, key: PoolKey, waiter: WaiterID, loop: Int, now: NIODeadline
    )
        -> [Action]
    {
        _ = forget(server: server)
        var actions: [Action] = [.closeIdle(server: server)]
        guard !closed, var pool = pools[key] else { return actions + [.fail(waiter: waiter, reason: .poolShutDown)] }
        defer { pools[key] = pool }
        if pool.waitingCount == 0, serveFromIdle(waiter: waiter, loop: loop, pool: &pool, now: now, into: &actions) {
            return actions
        }
        pool.waiters.insert(Waiter(waiter: waiter, loop: loop, since: now), at: pool.waitersHead)
        return actions + growIfPossible(key: key, pool: &pool, now: now)
    }

    /// A connection went away on its own (the server closed it).
    mutating func idleClosed(server: ServerID, now: NIODeadline) -> [Action] {
        guard let key = serverKeys[server] else { return [] }
        if var pool = pools[key] {
            pool.idle.removeAll { $0.server == server }
            pools[key] = pool
        }
        _ = forget(server: server)
        return serveWaiters(after: key, now: now)
    }

    /// The rules that time alone triggers, for every pool: closes idle connections past `server_lifetime`
    /// or unused past `server_idle_timeout` (keeping `min_pool_size`), opens connections for waiting
    /// clients once `server_login_retry` passed or their wait allows the reserve, and opens connections up
    /// to `min_pool_size`.
    mutating func tick(now: NIODeadline) -> [Action] {
        if closed { return [] }
        var actions: [Action] = []
        for key in pools.keys.sorted(by: { $0.description < $1.description }) {
            guard var pool = pools[key] else { continue }
            var kept: [(server: ServerID, loop: Int)] = []
            for idle in pool.idle {
                let unused = isUnusedTooLong(idle.server, now) && pool.total > pool.limits.effectiveMinimum
                if isPastLifetime(idle.server, now) || unused {
                    drop(idle.server, from: &pool)
                    actions.append(.closeIdle(server: idle.server))
                } else {
                    kept.append(idle)
                }
            }
            pool.idle = kept
            var grown = growIfPossible(key: key, pool: &pool, now: now)
            while !grown.isEmpty {
                actions += grown
                grown = growIfPossible(key: key, pool: &pool, now: now)
            }
            actions += fillToMinimum(key: key, pool: &pool, now: now)
            pools[key] = pool
        }
        return actions
    }

    /// Stop handing out connections: fail every waiter and close every idle connection.
    mutating func shutDown() -> [Action] {
        closed = true
        var actions: [Action] = []
        for key in pools.keys {
            var pool = pools[key]!
            while let waiter = pool.popWaiter() {
                actions.append(.fail(waiter: waiter.waiter, reason: .poolShutDown))
            }
            for idle in pool.idle { actions.append(.closeIdle(server: idle.server)) }
            pools[key] = pool
            for idle in pool.idle { _ = forget(server: idle.server) }
            pools[key]?.idle = []
        }
        return actions
    }

    // MARK: Internals

    private static func pickIdle(_ idle: [(server: ServerID, loop: Int)], loop: Int) -> Int? {
        if let index = idle.lastIndex(where: { $0.loop == loop }) { return index }
        return idle.indices.last
    }

    private func isPastLifetime(_ server: ServerID, _ now: NIODeadline) -> Bool {
        guard let opened = serverTimes[server]?.openedAt else { return false }
        return now - opened >= times.lifetime
    }

    private func isUnusedTooLong(_ server: ServerID, _ now: NIODeadline) -> Bool {
        guard let limit = times.idleTimeout, let used = serverTimes[server]?.lastUsedAt else { return false }
        return now - used >= limit
    }

    private func needsCheck(_ server: ServerID, _ now: NIODeadline) -> Bool {
        guard let delay = times.checkDelay, let used = serverTimes[server]?.lastUsedAt else { return false }
        return now - used >= delay
    }

    /// Gives `waiter` an idle connection (preferring its loop), checked first if unused for long; closes
    /// the connections past `server_lifetime` met on the way. False when there is none.
    private mutating func serveFromIdle(
        waiter: WaiterID, loop: Int, pool: inout Pool, now: NIODeadline, into actions: inout [Action]
    ) -> Bool {
        while let index = Self.pickIdle(pool.idle, loop: loop) {
            let server = pool.idle.remove(at: index).server
            if isPastLifetime(server, now) {
                drop(server, from: &pool)
                actions.append(.closeIdle(server: server))
                continue
            }
            actions.append(
                needsCheck(server, now) ? .check(server: server, for: waiter) : .handOver(server: server, to: waiter))
            return true
        }
        return false
    }

    /// Opens a connection for the first waiter without one, if the caps allow. The pool may go beyond its
    /// size by `reserve_pool_size` for a client that waited `reserve_pool_timeout`.
    private mutating func growIfPossible(key: PoolKey, pool: inout Pool, now: NIODeadline) -> [Action] {
        guard pool.waitingCount > pool.connecting, !pool.isWaitingForRetry(now) else { return [] }
        let target = pool.waiters[pool.waitersHead + pool.connecting]
        let limits = pool.limits
        let reserve = limits.reservePoolSize > 0 && now - target.since >= limits.reservePoolTimeout
        guard pool.total < limits.poolSize + (reserve ? limits.reservePoolSize : 0) else { return [] }
        if limits.maxDBConnections > 0, databaseTotal(key.database) >= limits.maxDBConnections {
            let closing = closeIdleElsewhere(except: key) { $0.database == key.database }
            return closing.isEmpty ? [] : closing + growIfPossible(key: key, pool: &pool, now: now)
        }
        if limits.maxUserConnections > 0, userTotal(key.user) >= limits.maxUserConnections {
            let closing = closeIdleElsewhere(except: key) { $0.user == key.user }
            return closing.isEmpty ? [] : closing + growIfPossible(key: key, pool: &pool, now: now)
        }
        return [open(key: key, pool: &pool, loop: target.loop, for: target.waiter)]
    }

    /// Opens connections for no client until the pool holds `min_pool_size`, within the caps.
    private mutating func fillToMinimum(key: PoolKey, pool: inout Pool, now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        let limits = pool.limits
        while pool.total < limits.effectiveMinimum, !pool.isWaitingForRetry(now),
            limits.maxDBConnections == 0 || databaseTotal(key.database) < limits.maxDBConnections,
            limits.maxUserConnections == 0 || userTotal(key.user) < limits.maxUserConnections
        {
            let loop = nextLoop
            nextLoop = (nextLoop + 1) % loopCount
            actions.append(open(key: key, pool: &pool, loop: loop, for: nil))
        }
        return actions
    }

    private mutating func open(key: PoolKey, pool: inout Pool, loop: Int, for waiter: WaiterID?) -> Action {
        let server = nextServerID
        nextServerID += 1
        pool.total += 1
        pool.connecting += 1
        databaseTotals[key.database, default: 0] += 1
        userTotals[key.user, default: 0] += 1
        serverKeys[server] = key
        if let waiter { connectingFor[server] = waiter }
        return .connect(server: server, key: key, loop: loop, for: waiter)
    }

    /// Under a database or user cap, an idle connection of another pool sharing it is closed to make room.
    private mutating func closeIdleElsewhere(except key: PoolKey, sharing: (PoolKey) -> Bool) -> [Action] {
        for (otherKey, var other) in pools where otherKey != key && sharing(otherKey) {
            if let victim = other.idle.first {
                other.idle.removeFirst()
                drop(victim.server, from: &other)
                pools[otherKey] = other
                return [.closeIdle(server: victim.server)]
            }
        }
        return []
    }

    /// A connection just went idle while another pool of the same database (or user) waits under a cap that
    /// is reached: the idle connection is closed so that the other pool can open one.
    private mutating func otherPoolsNeedRoom(except key: PoolKey, pool: inout Pool, now: NIODeadline) -> [Action] {
        let limits = pool.limits
        let databaseFull = limits.maxDBConnections > 0 && databaseTotal(key.database) >= limits.maxDBConnections
        let userFull = limits.maxUserConnections > 0 && userTotal(key.user) >= limits.maxUserConnections
        func blocked(_ otherKey: PoolKey) -> Bool {
            otherKey != key
                && ((databaseFull && otherKey.database == key.database) || (userFull && otherKey.user == key.user))
        }
        let waitingElsewhere = pools.contains { otherKey, other in blocked(otherKey) && other.waitingCount > 0 }
        guard waitingElsewhere, let victim = pool.idle.popLast() else { return [] }
        drop(victim.server, from: &pool)
        pools[key] = pool
        var actions: [Action] = [.closeIdle(server: victim.server)]
        for otherKey in pools.keys where blocked(otherKey) {
            actions += serveWaiters(after: otherKey, now: now)
            if actions.count > 1 { break }
        }
        pool = pools[key]!
        return actions
    }

    /// After a connection went away: let the pool (or another pool of the database or user) open a new one.
    private mutating func serveWaiters(after key: PoolKey, now: NIODeadline) -> [Action] {
        guard var pool = pools[key] else { return [] }
        var actions = growIfPossible(key: key, pool: &pool, now: now)
        pools[key] = pool
        if actions.isEmpty {
            for otherKey in pools.keys
            where otherKey != key && (otherKey.database == key.database || otherKey.user == key.user) {
                guard var other = pools[otherKey], other.waitingCount > 0 else { continue }
                actions = growIfPossible(key: otherKey, pool: &other, now: now)
                pools[otherKey] = other
                if !actions.isEmpty { break }
            }
        }
        return actions
    }

    /// Removes a connection from the counts; returns its pool.
    private mutating func forget(server: ServerID) -> PoolKey? {
        guard let key = uncount(server: server) else { return nil }
        pools[key]?.total -= 1
        return key
    }

    /// Removes a connection from the counts, with its pool held by the caller.
    private mutating func drop(_ server: ServerID, from pool: inout Pool) {
        if uncount(server: server) != nil { pool.total -= 1 }
    }

    private mutating func uncount(server: ServerID) -> PoolKey? {
        guard let key = serverKeys.removeValue(forKey: server) else { return nil }
        serverTimes[server] = nil
        databaseTotals[key.database, default: 1] -= 1
        userTotals[key.user, default: 1] -= 1
        return key
    }
}

// MARK: Admin console

extension PoolManagerState {
    /// How many connections of one pool are in each state, and how many clients wait.
    struct PoolCounts: Equatable, Sendable {
        var idle = 0
        /// Handed to a client (or being reset).
        var active = 0
        /// Being opened.
        var connecting = 0
        var waiting = 0
    }

    /// The counts of every pool.
    func poolCounts() -> [PoolKey: PoolCounts] {
        pools.mapValues { pool in
            PoolCounts(
                idle: pool.idle.count, active: pool.total - pool.idle.count - pool.connecting,
                connecting: pool.connecting, waiting: pool.waitingCount)
        }
    }

    /// The connections sitting idle in a pool now.
    var idleServerIDs: Set<ServerID> {
        Set(pools.values.flatMap { $0.idle.map(\.server) })
    }

    /// The connections that exist (not being opened) of `database`, or of every database when nil.
    func openServerIDs(database: String?) -> [ServerID] {
        serverKeys.compactMap { server, key in
            (database == nil || key.database == database) && connectingFor[server] == nil ? server : nil
        }
    }

    /// Closes the given connections where they sit idle.
    mutating func closeIdle(servers: Set<ServerID>) -> [Action] {
        guard !servers.isEmpty else { return [] }
        var actions: [Action] = []
        for key in pools.keys {
            let closing = pools[key]!.idle.filter { servers.contains($0.server) }
            guard !closing.isEmpty else { continue }
            pools[key]!.idle.removeAll { servers.contains($0.server) }
            for entry in closing {
                _ = forget(server: entry.server)
                actions.append(.closeIdle(server: entry.server))
            }
        }
        return actions
    }

    /// Closes the idle connections of `database` (of every database when nil); the pools open new ones
    /// when clients need them.
    mutating func closeIdle(database: String?) -> [Action] {
        var actions: [Action] = []
        for key in pools.keys where database == nil || key.database == database {
            let idle = pools[key]!.idle
            pools[key]!.idle = []
            for entry in idle {
                _ = forget(server: entry.server)
                actions.append(.closeIdle(server: entry.server))
            }
        }
        return actions
    }
}
