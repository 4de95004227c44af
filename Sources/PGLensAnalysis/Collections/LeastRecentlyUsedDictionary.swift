/// A dictionary with a fixed capacity that evicts its least recently used entry to make room.
///
/// Entries live in preallocated slots linked in recency order, so lookups, insertions and evictions are O(1).
struct LeastRecentlyUsedDictionary<Key: Hashable, Value> {
    fileprivate struct Slot {
        var key: Key
        var value: Value
        var newer: Int?
        var older: Int?
    }

    let capacity: Int
    private var slots: [Slot] = []
    private var index: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    var count: Int { index.count }

    /// The value for `key`, marked as most recently used.
    mutating func value(forKey key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        touch(slot)
        return slots[slot].value
    }

    /// The value for `key`, leaving recency unchanged.
    func peekValue(forKey key: Key) -> Value? {
        index[key].map { slots[$0].value }
    }

    /// Updates the value for `key` in place (creating it with `make` if absent), marking it most recently used.
    /// Returns the entry evicted to make room, if any.
    @discardableResult
    mutating func update(
        _ key: Key, creating make: () -> Value, _ body: (inout Value) -> Void
    ) -> (key: Key, value: Value)? {
        if let slot = index[key] {
            touch(slot)
            body(&slots[slot].value)
            return nil
        }
        var value = make()
        body(&value)
        return insertNew(key, value)
    }

    /// Stores `value` for `key`, marking it most recently used; returns the entry evicted to make room.
    @discardableResult
    mutating func set(_ value: Value, forKey key: Key) -> (key: Key, value: Value)? {
        update(key, creating: { value }, { $0 = value })
    }

    /// Removes every entry.
    mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
        newest = nil
        oldest = nil
    }

    /// Calls `body` with every entry, most recently used first, without changing recency.
    func forEach(_ body: (Key, Value) -> Void) {
        var cursor = newest
        while let slot = cursor {
            body(slots[slot].key, slots[slot].value)
            cursor = slots[slot].older
        }
    }

    /// All values, most recently used first.
    var valuesByRecency: [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        forEach { _, value in result.append(value) }
        return result
    }

    private mutating func insertNew(_ key: Key, _ value: Value) -> (key: Key, value: Value)? {
        guard slots.count == capacity, let victim = oldest else {
            slots.append(Slot(key: key, value: value, newer: nil, older: nil))
            index[key] = slots.count - 1
            linkAsNewest(slots.count - 1)
            return nil
        }
        unlink(victim)
        let evicted = (key: slots[victim].key, value: slots[victim].value)
        index[evicted.key] = nil
        slots[victim] = Slot(key: key, value: value, newer: nil, older: nil)
        index[key] = victim
        linkAsNewest(victim)
        return evicted
    }

    private mutating func touch(_ slot: Int) {
        guard newest != slot else { return }
        unlink(slot)
        linkAsNewest(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let newer = slots[slot].newer
        let older = slots[slot].older
        if let newer { slots[newer].older = older } else { newest = older }
        if let older { slots[older].newer = newer } else { oldest = newer }
        slots[slot].newer = nil
        slots[slot].older = nil
    }

    private mutating func linkAsNewest(_ slot: Int) {
        slots[slot].older = newest
        slots[slot].newer = nil
        if let newest { slots[newest].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }
}

extension LeastRecentlyUsedDictionary: Sendable where Key: Sendable, Value: Sendable {}

extension LeastRecentlyUsedDictionary.Slot: Sendable where Key: Sendable, Value: Sendable {}
