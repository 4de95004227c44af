/// The bookkeeping of every pool, as an I/O-free value: which server connections exist, which are idle,
/// which clients wait, and what must happen next.
///
/// Server connections and waiting clients are plain ids; `PoolManager` maps them to real objects and
/// carries out the actions. Idle connections remember the event loop they live on (`loop`), so that a
/// client is given a connection on its own loop when there is one.
struct PoolManagerState {
    typealias ServerID = Int
    typealias WaiterID = Int

    /// What `PoolManager` must do after a call.
    enum Action: Equatable {
        /// Give the idle server connection to the waiting client.
        case handOver(server: ServerID, to: WaiterID)
        /// Open a new server connection on `loop` for the pool; it is meant for `waiter`.
        case connect(server: ServerID, key: PoolKey, loop: Int, for: WaiterID)
        /// Close an idle server connection (to make room under the database cap).
        case closeIdle(server: ServerID)
        /// Tell the waiting client that it gets no connection.
        case fail(waiter: WaiterID, reason: FailureReason)
    }

    enum FailureReason: Equatable {
        case poolShutDown
    }

    private struct Pool {
        var limits: PoolLimits
        var idle: [(server: ServerID, loop: Int)] = []
        /// Connections that exist or are being opened (idle, in use or connecting).
        var total = 0
        /// Connections being opened right now.
        var connecting = 0
        var waiters: [(waiter: WaiterID, loop: Int)] = []
        var waitersHead = 0

        var waitingCount: Int { waiters.count - waitersHead }

        func indexOfWaiter(_ waiter: WaiterID) -> Int? {
            waiters[waitersHead...].firstIndex { $0.waiter == waiter }
        }

        mutating func popWaiter() -> (waiter: WaiterID, loop: Int)? {
            guard waitersHead < waiters.count else { return nil }
            let next = waiters[waitersHead]
            waitersHead += 1
            if waitersHead > 64, waitersHead * 2 > waiters.count {
                waiters.removeFirst(waitersHead)
                waitersHead = 0
            }
            return next
        }
    }

    private var pools: [PoolKey: Pool] = [:]
    private var serverKeys: [ServerID: PoolKey] = [:]
    /// Connections to each database across its pools.
    private var databaseTotals: [String: Int] = [:]
    /// For each connection being opened, the client it was opened for.
    private var connectingFor: [ServerID: WaiterID] = [:]
    private var nextServerID = 1
    private var closed = false

    init() {}

    // MARK: Queries

    func idleCount(_ key: PoolKey) -> Int { pools[key]?.idle.count ?? 0 }
    func totalCount(_ key: PoolKey) -> Int { pools[key]?.total ?? 0 }
    func waitingCount(_ key: PoolKey) -> Int { pools[key]?.waitingCount ?? 0 }
    func databaseTotal(_ database: String) -> Int { databaseTotals[database] ?? 0 }
    var keys: [PoolKey] { Array(pools.keys) }

    // MARK: Events

    /// A client on event loop `loop` asks for a server connection of pool `key`.
    mutating func acquire(key: PoolKey, waiter: WaiterID, loop: Int, limits: PoolLimits) -> [Action] {
        if closed { return [.fail(waiter: waiter, reason: .poolShutDown)] }
        var pool = pools[key] ?? Pool(limits: limits)
        pool.limits = limits
        defer { pools[key] = pool }

        if pool.waitingCount == 0, let index = Self.pickIdle(pool.idle, loop: loop) {
            let server = pool.idle.remove(at: index).server
            return [.handOver(server: server, to: waiter)]
        }
        pool.waiters.append((waiter, loop))
        return growIfPossible(key: key, pool: &pool)
    }

    /// Takes an idle connection of pool `key` that lives on `loop`, if there is one and nobody waits: the
    /// fast path of transaction pooling, which asks for a connection at every transaction.
    mutating func takeIdle(key: PoolKey, loop: Int) -> ServerID? {
        guard var pool = pools[key], pool.waitingCount == 0,
            let index = pool.idle.lastIndex(where: { $0.loop == loop })
        else { return nil }
        let server = pool.idle.remove(at: index).server
        pools[key] = pool
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
    mutating func connected(server: ServerID, loop: Int) -> [Action] {
        guard let key = serverKeys[server], var pool = pools[key] else { return [.closeIdle(server: server)] }
        defer { pools[key] = pool }
        pool.connecting -= 1
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
    mutating func connectFailed(server: ServerID) -> (waiter: WaiterID?, actions: [Action]) {
        let intended = connectingFor.removeValue(forKey: server)
        guard let key = forget(server: server), var pool = pools[key] else { return (nil, []) }
        pool.connecting -= 1
        var waiter: WaiterID?
        if let intended, let index = pool.indexOfWaiter(intended) {
            pool.waiters.remove(at: index)
            waiter = intended
        }
        pools[key] = pool
        return (waiter, serveWaiters(after: key))
    }

    /// A client is done with a connection. `reusable` is false when the connection is closed instead.
    mutating func release(server: ServerID, loop: Int, reusable: Bool) -> [Action] {
        guard let key = serverKeys[server] else { return [] }
        if !reusable || closed {
            _ = forget(server: server)
            return serveWaiters(after: key) + (closed && reusable ? [.closeIdle(server: server)] : [])
        }
        guard var pool = pools[key] else { return [] }
        defer { pools[key] = pool }
        if let next = pool.popWaiter() {
            return [.handOver(server: server, to: next.waiter)]
        }
        pool.idle.append((server, loop))
        if pool.total > pool.limits.poolSize, let index = pool.idle.indices.last {
            // The pool was shrunk: close what it holds beyond its size.
            let extra = pool.idle.remove(at: index).server
            pools[key] = pool
            _ = forget(server: extra)
            pool = pools[key]!
            return [.closeIdle(server: extra)]
        }
        return otherPoolsNeedRoom(database: key.database, except: key, pool: &pool)
    }

    /// An idle connection went away on its own (the server closed it).
    mutating func idleClosed(server: ServerID) -> [Action] {
        guard let key = serverKeys[server] else { return [] }
        if var pool = pools[key] {
            pool.idle.removeAll { $0.server == server }
            pools[key] = pool
        }
        _ = forget(server: server)
        return serveWaiters(after: key)
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

    /// Opens a connection for the first waiter without one, if the caps allow.
    private mutating func growIfPossible(key: PoolKey, pool: inout Pool) -> [Action] {
        guard pool.waitingCount > pool.connecting, pool.total < pool.limits.poolSize else { return [] }
        let cap = pool.limits.maxDBConnections
        if cap > 0, (databaseTotals[key.database] ?? 0) >= cap {
            let closing = closeIdleElsewhere(database: key.database, except: key)
            return closing.isEmpty ? [] : closing + growIfPossible(key: key, pool: &pool)
        }
        let target = pool.waiters[pool.waitersHead + pool.connecting]
        let server = nextServerID
        nextServerID += 1
        pool.total += 1
        pool.connecting += 1
        databaseTotals[key.database, default: 0] += 1
        serverKeys[server] = key
        connectingFor[server] = target.waiter
        return [.connect(server: server, key: key, loop: target.loop, for: target.waiter)]
    }

    /// Under a database cap, an idle connection of another pool of the database is closed to make room.
    private mutating func closeIdleElsewhere(database: String, except key: PoolKey) -> [Action] {
        for (otherKey, var other) in pools where otherKey != key && otherKey.database == database {
            if let victim = other.idle.first {
                other.idle.removeFirst()
                pools[otherKey] = other
                _ = forget(server: victim.server)
                return [.closeIdle(server: victim.server)]
            }
        }
        return []
    }

    private mutating func otherPoolsNeedRoom(database: String, except key: PoolKey, pool: inout Pool) -> [Action] {
        let waitingElsewhere = pools.contains { otherKey, other in
            otherKey != key && otherKey.database == database && other.waitingCount > 0
        }
        guard waitingElsewhere, pool.limits.maxDBConnections > 0,
            (databaseTotals[database] ?? 0) >= pool.limits.maxDBConnections, let victim = pool.idle.popLast()
        else { return [] }
        pools[key] = pool
        _ = forget(server: victim.server)
        pool = pools[key]!
        var actions: [Action] = [.closeIdle(server: victim.server)]
        for otherKey in pools.keys where otherKey != key && otherKey.database == database {
            actions += serveWaiters(after: otherKey)
            if actions.count > 1 { break }
        }
        return actions
    }

    /// After a connection went away: let the pool (or another pool of the database) open a new one.
    private mutating func serveWaiters(after key: PoolKey) -> [Action] {
        guard var pool = pools[key] else { return [] }
        var actions = growIfPossible(key: key, pool: &pool)
        pools[key] = pool
        if actions.isEmpty {
            for otherKey in pools.keys where otherKey != key && otherKey.database == key.database {
                guard var other = pools[otherKey], other.waitingCount > 0 else { continue }
                actions = growIfPossible(key: otherKey, pool: &other)
                pools[otherKey] = other
                if !actions.isEmpty { break }
            }
        }
        return actions
    }

    /// Removes a connection from the counts; returns its pool.
    private mutating func forget(server: ServerID) -> PoolKey? {
        guard let key = serverKeys.removeValue(forKey: server) else { return nil }
        pools[key]?.total -= 1
        databaseTotals[key.database, default: 1] -= 1
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
