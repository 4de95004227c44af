/// The statements pglens has prepared on one server connection, by server name, least recently used
/// first out.
///
/// Owned by whoever holds the server connection (a client session while linked, the pool otherwise).
struct ServerStatementCache: Sendable {
    /// How many statements a server connection keeps (`max_prepared_statements`).
    let capacity: Int
    private var lastUse: [String: Int] = [:]
    private var clock = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { lastUse.count }

    func contains(_ name: String) -> Bool { lastUse[name] != nil }

    /// Marks `name` as just used.
    mutating func touch(_ name: String) {
        guard lastUse[name] != nil else { return }
        clock += 1
        lastUse[name] = clock
    }

    /// Records `name` as prepared; returns the least recently used name to close if the cache was full.
    mutating func insert(_ name: String) -> String? {
        clock += 1
        if lastUse[name] != nil {
            lastUse[name] = clock
            return nil
        }
        var evicted: String?
        if lastUse.count >= capacity, let oldest = lastUse.min(by: { $0.value < $1.value })?.key {
            lastUse[oldest] = nil
            evicted = oldest
        }
        lastUse[name] = clock
        return evicted
    }

    mutating func remove(_ name: String) {
        lastUse[name] = nil
    }

    /// After `DISCARD ALL` or `DEALLOCATE ALL` the server has none left.
    mutating func removeAll() {
        lastUse.removeAll()
    }
}
