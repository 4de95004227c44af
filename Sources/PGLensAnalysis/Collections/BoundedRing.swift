/// A fixed-capacity ring: appending past capacity overwrites the oldest element.
struct BoundedRing<Element> {
    let capacity: Int
    private var storage: [Element] = []
    private var oldest = 0

    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    var count: Int { storage.count }

    mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[oldest] = element
            oldest = (oldest + 1) % capacity
        }
    }

    /// The elements, oldest first.
    var elements: [Element] {
        Array(storage[oldest...] + storage[..<oldest])
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        oldest = 0
    }
}

extension BoundedRing: Sendable where Element: Sendable {}
