/// What the admin console changed about handing out connections, as a value kept under `PoolManager`'s
/// lock: which databases are paused (and the requests parked meanwhile), and which connections are to be
/// closed when they are given back (`RECONNECT`).
struct PoolControl {
    /// A request for a connection made while its database was paused.
    struct ParkedRequest: Equatable {
        var key: PoolKey
        var waiter: Int
        var loop: Int
    }

    /// Every database is paused (`PAUSE` without a name).
    private(set) var pausedAll = false
    private(set) var pausedDatabases: Set<String> = []
    /// Databases new clients may not log in to (`DISABLE`).
    var disabledDatabases: Set<String> = []
    private var parked: [ParkedRequest] = []
    /// Connections to close when given back, with their database.
    private var closeOnRelease: [Int: String] = [:]

    /// Whether anything is paused, parked or marked.
    var isActive: Bool {
        pausedAll || !pausedDatabases.isEmpty || !parked.isEmpty || !closeOnRelease.isEmpty
    }

    func isPaused(_ database: String) -> Bool {
        pausedAll || (!pausedDatabases.isEmpty && pausedDatabases.contains(database))
    }

    mutating func pause(_ database: String?) {
        if let database { pausedDatabases.insert(database) } else { pausedAll = true }
    }

    /// Lifts a pause; returns the requests parked for the databases that are no longer paused.
    mutating func resume(_ database: String?) -> [ParkedRequest] {
        if let database {
            pausedDatabases.remove(database)
        } else {
            pausedAll = false
            pausedDatabases = []
        }
        let ready = parked.filter { !isPaused($0.key.database) }
        let stillParked = parked.filter { isPaused($0.key.database) }
        parked = stillParked
        return ready
    }

    mutating func park(_ request: ParkedRequest) {
        parked.append(request)
    }

    /// Forgets a parked request; false if `waiter` was not parked.
    mutating func unpark(waiter: Int) -> Bool {
        guard let index = parked.firstIndex(where: { $0.waiter == waiter }) else { return false }
        parked.remove(at: index)
        return true
    }

    /// Requests parked for `database` (every database when nil).
    func parkedCount(database: String?) -> Int {
        parked.count { database == nil || $0.key.database == database }
    }

    mutating func markForClose(_ server: Int, database: String) {
        closeOnRelease[server] = database
    }

    /// Whether `server` was marked by RECONNECT; the mark is removed.
    mutating func takeCloseMark(_ server: Int) -> Bool {
        guard !closeOnRelease.isEmpty else { return false }
        return closeOnRelease.removeValue(forKey: server) != nil
    }

    /// Connections marked by RECONNECT and not closed yet, of `database` (every database when nil).
    func markedCount(database: String?) -> Int {
        closeOnRelease.values.count { database == nil || $0 == database }
    }
}
