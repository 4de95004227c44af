import Logging
import NIOConcurrencyHelpers
import NIOCore
import PGWire
import Synchronization

/// Every pool of server connections, shared by all event loops.
///
/// The decisions are `PoolManagerState`'s; this type holds the lock around it, the objects behind its
/// ids, and carries out its actions (opening, handing over and closing connections).
final class PoolManager: @unchecked Sendable {
    typealias Completion = @Sendable (Result<ServerConnection, ServerConnector.Failure>) -> Void

    /// Where to connect and how big a pool may grow, per pool key; nil when the pool is not configured.
    typealias PoolResolver = @Sendable (PoolKey) -> (target: ServerConnector.Target, limits: PoolLimits)?

    private struct Waiter {
        var key: PoolKey
        var eventLoop: any EventLoop
        var loopIndex: Int
        var completion: Completion
    }

    private let lock = NIOLock()
    private var state: PoolManagerState
    private var waiters: [Int: Waiter] = [:]
    private var servers: [Int: ServerConnection] = [:]
    /// Pauses and RECONNECT marks from the admin console; `controlActive` tells, without the lock, whether
    /// there is any.
    private var control = PoolControl()
    private let controlActive = Atomic<Bool>(false)
    /// What the server reported at login, per pool: lets later clients log in before they get a connection.
    private var serverDefaults: [PoolKey: [String: String]] = [:]
    private var nextWaiterID = 1
    /// Each pool's limits as last resolved, so that a request does not resolve the configuration again;
    /// emptied when the configuration changes (`configurationChanged`).
    private var limitsCache: [PoolKey: PoolLimits] = [:]
    /// The last failure to open a connection, per pool: what clients are told while `server_login_retry`
    /// holds off the next attempt.
    private var lastFailures: [PoolKey: ServerConnector.Failure] = [:]
    /// Pools whose server is unreachable right now (temporary failures since the last success), with the
    /// latest failure: what a client that waited in vain is told.
    private var unreachable: [PoolKey: ServerConnector.Failure] = [:]
    /// The periodic `tick` of the state (idle timeout, lifetime, min pool size, reserve, login retry).
    private var maintenance: RepeatedTask?

    private let loops: [any EventLoop]
    private let connector: ServerConnector
    private let resolve: PoolResolver
    private let logger: Logger
    /// The capacity of each server connection's prepared-statement cache.
    private let maxPreparedStatements: Int
    /// `server_check_query`, run on a connection unused for longer than `server_check_delay` (`times.checkDelay`
    /// is nil when there is no query).
    private let checkQuery: String

    init(
        loops: [any EventLoop], connector: ServerConnector, resolve: @escaping PoolResolver, logger: Logger,
        maxPreparedStatements: Int = 200, times: ServerConnectionTimes = ServerConnectionTimes(),
        checkQuery: String = "select 1",
        maintenanceInterval: TimeAmount = .seconds(1)
    ) {
        self.maxPreparedStatements = maxPreparedStatements
        self.loops = loops
        self.connector = connector
        self.resolve = resolve
        self.logger = logger
        self.checkQuery = checkQuery
        self.state = PoolManagerState(loopCount: loops.count, times: times)
        if let loop = loops.first {
            maintenance = loop.scheduleRepeatedTask(initialDelay: maintenanceInterval, delay: maintenanceInterval) {
                [weak self] _ in self?.maintain()
            }
        }
    }

    /// Asks for a server connection of pool `key` for a client on loop `loopIndex`. `completion` runs on
    /// that loop, once. Returns an id for `cancelWait`.
    func acquire(key: PoolKey, loopIndex: Int, completion: @escaping Completion) -> Int {
        if let parked = parkIfPaused(key: key, loopIndex: loopIndex, completion: completion) { return parked }
        let waiter = Waiter(key: key, eventLoop: loops[loopIndex], loopIndex: loopIndex, completion: completion)
        if let (waiterID, actions) = lock.withLock({ enqueue(waiter, limits: limitsCache[key]) }) {
            run(actions)
            return waiterID
        }
        guard let resolved = resolve(key) else {
            let error = ErrorFields(
                severity: "FATAL", sqlState: .invalidCatalogName,
                message: "database \"\(key.database)\" does not exist")
            loops[loopIndex].execute { completion(.failure(ServerConnector.Failure(error: error))) }
            return 0
        }
        let (waiterID, actions) = lock.withLock {
            limitsCache[key] = resolved.limits
            return enqueue(waiter, limits: resolved.limits)!
        }
        run(actions)
        return waiterID
    }

    /// Registers `waiter` and asks the state for a connection; nil without `limits`. Under the lock.
    private func enqueue(_ waiter: Waiter, limits: PoolLimits?) -> (Int, [PoolManagerState.Action])? {
        guard let limits else { return nil }
        let id = nextWaiterID
        nextWaiterID += 1
        waiters[id] = waiter
        return (id, state.acquire(key: waiter.key, waiter: id, loop: waiter.loopIndex, limits: limits, now: .now()))
    }

    /// The configuration changed (a reload): pools resolve their limits again at their next request.
    func configurationChanged() {
        lock.withLock { limitsCache.removeAll() }
    }

    /// An idle connection of pool `key` on loop `loopIndex`, taken at once, or nil (then call `acquire`).
    func acquireIdle(key: PoolKey, loopIndex: Int) -> ServerConnection? {
        let (server, actions) = lock.withLock { () -> (ServerConnection?, [PoolManagerState.Action]) in
            guard let serverID = state.takeIdle(key: key, loop: loopIndex, now: .now()),
                let server = servers[serverID]
            else { return (nil, []) }
            guard server.channel.isActive else {
                // Closed while idle and not yet forgotten: never hand it out.
                servers[serverID] = nil
                return (nil, state.idleClosed(server: serverID, now: .now()))
            }
            return (server, [])
        }
        run(actions)
        return server
    }

    /// The client gave up waiting. Returns false if it was already given a connection (or an error).
    func cancelWait(key: PoolKey, waiter: Int) -> Bool {
        lock.withLock {
            guard control.unpark(waiter: waiter) || state.cancelWait(key: key, waiter: waiter) else { return false }
            waiters[waiter] = nil
            return true
        }
    }

    /// A client is done with `server`. With `reset`, pglens runs the reset query on it and pools it again
    /// if that succeeds; otherwise it is closed.
    func release(_ server: ServerConnection, resetQuery: String?) {
        guard let resetQuery else {
            finishRelease(server, reusable: true)
            return
        }
        // A backend that stops answering fails the query at server_connect_timeout (`ServerConnection`):
        // the connection is then closed instead of pooled.
        server.runInternalQuery(resetQuery).whenComplete { result in
            switch result {
            case .success(let outcome) where outcome.error == nil && outcome.transactionStatus == .idle:
                // `DISCARD ALL` (the usual reset query) also dropped the prepared statements.
                server.statements.removeAll()
                server.settings = .defaults
                self.finishRelease(server, reusable: true)
            case .success, .failure:
                self.finishRelease(server, reusable: false)
            }
        }
    }

    /// `server` must not be used again: close it and let the pool open another when needed.
    func discard(_ server: ServerConnection) {
        finishRelease(server, reusable: false)
    }

    /// Fails every waiter and closes every idle connection; no connection is handed out afterwards.
    func shutDown() {
        let actions = lock.withLock {
            maintenance?.cancel()
            maintenance = nil
            return state.shutDown()
        }
        run(actions)
    }

    /// The ParameterStatus values a server connection of pool `key` reported at login, once one has
    /// logged in.
    func serverDefaults(_ key: PoolKey) -> [String: String]? {
        lock.withLock { serverDefaults[key] }
    }

    /// Counts for one pool: (idle, total, waiting).
    func counts(_ key: PoolKey) -> (idle: Int, total: Int, waiting: Int) {
        lock.withLock { (state.idleCount(key), state.totalCount(key), state.waitingCount(key)) }
    }

    // MARK: Internals

    private func finishRelease(_ server: ServerConnection, reusable: Bool) {
        let reusable = reusable && !takeCloseMark(server.id)
        if !reusable { server.close() }
        let actions = lock.withLock {
            state.release(
                server: server.id, loop: server.loopIndex, reusable: reusable && server.channel.isActive, now: .now())
        }
        if !reusable { lock.withLock { servers[server.id] = nil } }
        run(actions, handOverInline: true)
    }

    /// One maintenance round: what time alone decides (see `PoolManagerState.tick`).
    private func maintain() {
        let actions = lock.withLock { state.tick(now: .now()) }
        run(actions)
    }

    /// Carries out `actions`. With `handOverInline`, a connection handed to a client on the current event
    /// loop reaches it at once rather than in a task of the loop: only for a caller that is not that client
    /// (a release), since a client asking for a connection enters its waiting state after `acquire` returns.
    private func run(_ actions: [PoolManagerState.Action], handOverInline: Bool = false) {
        for action in actions {
            switch action {
            case .handOver(let serverID, let waiterID):
                let (server, waiter) = lock.withLock { (servers[serverID], waiters.removeValue(forKey: waiterID)) }
                guard let waiter else { continue }
                guard let server, server.channel.isActive else {
                    // It died between the pool's decision and now: the client gets another one.
                    checkFailed(serverID: serverID, waiterID: waiterID, waiter: waiter)
                    continue
                }
                if handOverInline, waiter.eventLoop.inEventLoop {
                    waiter.completion(.success(server))
                } else {
                    waiter.eventLoop.execute { waiter.completion(.success(server)) }
                }
            case .check(let serverID, let waiterID):
                let (server, waiter) = lock.withLock { (servers[serverID], waiters[waiterID]) }
                guard let waiter else { continue }
                guard let server, server.channel.isActive else {
                    checkFailed(serverID: serverID, waiterID: waiterID, waiter: waiter)
                    continue
                }
                check(server, waiterID: waiterID, waiter: waiter)
            case .connect(let serverID, let key, let loopIndex, _):
                open(serverID: serverID, key: key, loopIndex: loopIndex)
            case .closeIdle(let serverID):
                let server = lock.withLock { servers.removeValue(forKey: serverID) }
                server?.close()
            case .scheduleRetry(let key, let deadline):
                loops[0].scheduleTask(deadline: deadline) { [weak self] in self?.retryDue(key) }
            case .fail(let waiterID, let reason):
                let (waiter, error) = lock.withLock { () -> (Waiter?, ServerConnector.Failure) in
                    (waiters.removeValue(forKey: waiterID), failure(for: reason))
                }
                guard let waiter else { continue }
                waiter.eventLoop.execute { waiter.completion(.failure(error)) }
            }
        }
    }

    /// What a client that gets no connection is told. Called under the lock.
    private func failure(for reason: PoolManagerState.FailureReason) -> ServerConnector.Failure {
        switch reason {
        case .poolShutDown:
            return ServerConnector.Failure(
                error: ErrorFields(severity: "FATAL", sqlState: .adminShutdown, message: "pglens is shutting down"))
        case .serverLoginFailing(let key):
            if let last = lastFailures[key] { return last }
            return ServerConnector.Failure(
                error: ErrorFields(
                    severity: "FATAL", sqlState: .connectionFailure,
                    message: "pglens: server login has been failing, try again later (server_login_retry)"))
        }
    }

    /// Runs `server_check_query` on a connection unused for a while before `waiter` gets it.
    private func check(_ server: ServerConnection, waiterID: Int, waiter: Waiter) {
        server.runInternalQuery(checkQuery).whenComplete { result in
            switch result {
            case .success(let outcome) where outcome.error == nil && outcome.transactionStatus == .idle:
                let actions = self.lock.withLock {
                    self.state.checkPassed(server: server.id, waiter: waiterID, now: .now())
                }
                self.run(actions)
            case .success, .failure:
                self.logger.info(
                    "server_check_query failed: closing the connection", metadata: ["server": "\(server.id)"])
                self.checkFailed(serverID: server.id, waiterID: waiterID, waiter: waiter)
            }
        }
    }

    /// A connection about to be handed to `waiter` is dead: close it, and find the client another one.
    private func checkFailed(serverID: Int, waiterID: Int, waiter: Waiter) {
        let actions = lock.withLock {
            waiters[waiterID] = waiter
            return state.checkFailed(
                server: serverID, key: waiter.key, waiter: waiterID, loop: waiter.loopIndex, now: .now())
        }
        run(actions)
    }

    private func open(serverID: Int, key: PoolKey, loopIndex: Int) {
        guard let resolved = resolve(key) else {
            connectFailed(
                serverID: serverID, key: key,
                ServerConnector.Failure(
                    error: ErrorFields(
                        severity: "FATAL", sqlState: .invalidCatalogName,
                        message: "database \"\(key.database)\" does not exist")))
            return
        }
        let loop = loops[loopIndex]
        connector.connect(id: serverID, key: key, target: resolved.target, on: loop, loopIndex: loopIndex)
            .whenComplete { result in
                switch result {
                case .success(let server):
                    server.onClose = { [weak self] closed in self?.serverClosed(closed) }
                    server.statements = ServerStatementCache(capacity: self.maxPreparedStatements)
                    let recovered = self.lock.withLock { self.unreachable.removeValue(forKey: key) != nil }
                    if recovered { self.logger.info("server connection opened again", metadata: ["pool": "\(key)"]) }
                    let actions = self.lock.withLock {
                        self.servers[serverID] = server
                        self.serverDefaults[key] = server.loginParameters
                        return self.state.connected(server: serverID, loop: loopIndex, now: .now())
                    }
                    self.run(actions)
                case .failure(let error as ServerConnector.Failure):
                    self.connectFailed(serverID: serverID, key: key, error)
                case .failure(let error):
                    self.connectFailed(
                        serverID: serverID, key: key,
                        ServerConnector.Failure(
                            error: ErrorFields(
                                severity: "FATAL", sqlState: .connectionFailure,
                                message: "pglens: could not open a server connection: \(error)")))
                }
            }
    }

    private func connectFailed(serverID: Int, key: PoolKey, _ failure: ServerConnector.Failure) {
        // A server that is restarting is temporary: "the database system is starting up / shutting down",
        // a terminated session, a refused or broken connection. Waiting clients keep waiting for the retry.
        let temporary = failure.error.sqlState.map(Self.temporaryFailures.contains) ?? false
        let firstOfOutage = lock.withLock { unreachable[key] == nil }
        let metadata: Logger.Metadata = [
            "pool": "\(key)", "sqlstate": "\(failure.error.sqlState?.code ?? "")",
            "error": "\(failure.error.message ?? "")",
        ]
        if !temporary {
            logger.warning("server connection failed", metadata: metadata)
        } else if firstOfOutage {
            logger.warning(
                "server connection failed; retrying in 5 ms to 250 ms while clients wait (query_wait_timeout)",
                metadata: metadata)
        } else {
            logger.debug("server connection failed again", metadata: metadata)
        }
        let (waiter, actions) = lock.withLock { () -> (Waiter?, [PoolManagerState.Action]) in
            lastFailures[key] = failure
            if temporary { unreachable[key] = failure }
            let (waiterID, actions) = state.connectFailed(server: serverID, now: .now(), temporary: temporary)
            return (waiterID.flatMap { waiters.removeValue(forKey: $0) }, actions)
        }
        if let waiter {
            waiter.eventLoop.execute { waiter.completion(.failure(failure)) }
        }
        run(actions)
    }

    /// The SQLSTATEs of a server that is restarting rather than refusing the login.
    static let temporaryFailures: Set<SQLState> = [
        .cannotConnectNow, .adminShutdown, SQLState("57P02"), .connectionFailure,
        .sqlclientUnableToEstablishSQLConnection,
    ]

    /// The latest failure to reach the server of `key`, while it has been unreachable since the last
    /// connection that opened.
    func unreachableFailure(key: PoolKey) -> ServerConnector.Failure? {
        lock.withLock { unreachable[key] }
    }

    /// A retry after a temporary failure is due.
    private func retryDue(_ key: PoolKey) {
        let actions = lock.withLock { state.retryDue(key: key, now: .now()) }
        run(actions)
    }

    private func serverClosed(_ server: ServerConnection) {
        let actions = lock.withLock { () -> [PoolManagerState.Action] in
            servers[server.id] = nil
            return state.idleClosed(server: server.id, now: .now())
        }
        run(actions)
    }
}

// MARK: Admin console

extension PoolManager {
    /// While `database` is paused, a request is parked (not given to the pool) until RESUME; returns its
    /// waiter id, or nil when nothing is paused. Costs one atomic load when nothing is.
    private func parkIfPaused(key: PoolKey, loopIndex: Int, completion: @escaping Completion) -> Int? {
        guard controlActive.load(ordering: .acquiring) else { return nil }
        return lock.withLock { () -> Int? in
            guard control.isPaused(key.database) else { return nil }
            let id = nextWaiterID
            nextWaiterID += 1
            waiters[id] = Waiter(key: key, eventLoop: loops[loopIndex], loopIndex: loopIndex, completion: completion)
            control.park(.init(key: key, waiter: id, loop: loopIndex))
            return id
        }
    }

    /// Whether `server` was marked by RECONNECT (the mark is removed): it is closed instead of pooled.
    private func takeCloseMark(_ server: Int) -> Bool {
        guard controlActive.load(ordering: .acquiring) else { return false }
        return lock.withLock {
            defer { controlActive.store(control.isActive, ordering: .releasing) }
            return control.takeCloseMark(server)
        }
    }

    /// Whether `database` is paused, without the lock when nothing is (the transaction-pooling fast path
    /// asks before taking an idle connection).
    func isPausedNow(_ database: String) -> Bool {
        controlActive.load(ordering: .acquiring) && isPaused(database)
    }

    /// Stops handing out connections of `database` (of every database when nil): new requests wait until
    /// `resume`. Connections in use stay with their clients; `activeCount` tells when they are back.
    func pause(database: String?) {
        lock.withLock {
            control.pause(database)
            controlActive.store(true, ordering: .releasing)
        }
    }

    /// Lifts a pause; requests that waited meanwhile are served.
    func resume(database: String?) {
        let ready = lock.withLock {
            defer { controlActive.store(control.isActive, ordering: .releasing) }
            return control.resume(database)
        }
        for request in ready {
            guard let resolved = resolve(request.key) else {
                let waiter = lock.withLock { waiters.removeValue(forKey: request.waiter) }
                let error = ErrorFields(
                    severity: "FATAL", sqlState: .invalidCatalogName,
                    message: "database \"\(request.key.database)\" does not exist")
                waiter?.eventLoop.execute { waiter?.completion(.failure(ServerConnector.Failure(error: error))) }
                continue
            }
            let actions = lock.withLock {
                state.acquire(
                    key: request.key, waiter: request.waiter, loop: request.loop, limits: resolved.limits, now: .now())
            }
            run(actions)
        }
    }

    /// Refuses (or, with `false`, allows again) new client logins to `database`.
    func setDisabled(_ disabled: Bool, database: String) {
        lock.withLock {
            if disabled {
                control.disabledDatabases.insert(database)
            } else {
                control.disabledDatabases.remove(database)
            }
        }
    }

    /// Whether new client logins to `database` are refused.
    func isDisabled(_ database: String) -> Bool {
        lock.withLock { control.disabledDatabases.contains(database) }
    }

    /// Whether `database` is paused (by name or by a PAUSE of everything).
    func isPaused(_ database: String) -> Bool {
        lock.withLock { control.isPaused(database) }
    }

    /// Connections of `database` (every database when nil) handed to clients now.
    func activeCount(database: String?) -> Int {
        lock.withLock {
            state.poolCounts().reduce(0) { sum, entry in
                database == nil || entry.key.database == database ? sum + entry.value.active : sum
            }
        }
    }

    /// Closes the idle connections of `database` (every database when nil) at once and marks those in use
    /// to be closed when given back; new ones are opened as clients need them.
    func reconnect(database: String?) {
        let actions = lock.withLock {
            let idle = state.idleServerIDs
            for id in state.openServerIDs(database: database) where !idle.contains(id) {
                if let server = servers[id] { control.markForClose(id, database: server.key.database) }
            }
            controlActive.store(control.isActive, ordering: .releasing)
            return state.closeIdle(database: database)
        }
        run(actions)
    }

    /// Connections marked by `reconnect` that are not closed yet. A marked connection found idle (given
    /// back while the mark was being set) is closed now.
    func reconnectPendingCount(database: String?) -> Int {
        let (count, actions) = lock.withLock { () -> (Int, [PoolManagerState.Action]) in
            let idleMarked = state.idleServerIDs.filter { control.takeCloseMark($0) }
            controlActive.store(control.isActive, ordering: .releasing)
            return (control.markedCount(database: database), state.closeIdle(servers: idleMarked))
        }
        run(actions)
        return count
    }

    /// Closes every connection of `database` (every database when nil), idle or in use: clients holding one
    /// lose it.
    func closeAll(database: String?) {
        let (inUse, actions) = lock.withLock {
            let idle = state.idleServerIDs
            let inUse = state.openServerIDs(database: database).filter { !idle.contains($0) }.compactMap { servers[$0] }
            return (inUse, state.closeIdle(database: database))
        }
        run(actions)
        for server in inUse { server.close() }
    }

    /// Per pool: connection and waiter counts (parked requests count as waiting).
    func poolCounts() -> [PoolKey: PoolManagerState.PoolCounts] {
        lock.withLock { state.poolCounts() }
    }

    /// Snapshots of the connections that are logged in, for SHOW SERVERS (without the linked client, which
    /// only the client knows).
    func serverSnapshots() -> [ConnectionSnapshot] {
        let (list, idle) = lock.withLock { (Array(servers.values), state.idleServerIDs) }
        return list.sorted { $0.id < $1.id }.map { server in
            let local = server.channel.localAddress
            return ConnectionSnapshot(
                id: UInt64(server.id), user: server.key.user, database: server.key.database,
                state: idle.contains(server.id) ? .idle : .active,
                address: server.remoteAddress.ipAddress ?? "", port: server.remoteAddress.port ?? 0,
                localAddress: local?.ipAddress ?? "", localPort: local?.port ?? 0,
                connectTime: server.connectedAt, requestTime: nil,
                remotePID: server.backendKey?.processID ?? 0,
                applicationName: server.loginParameters["application_name"] ?? "")
        }
    }
}
