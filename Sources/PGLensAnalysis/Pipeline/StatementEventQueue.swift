import NIOConcurrencyHelpers

/// A bounded multi-producer, single-consumer queue of analysis events (statements and connection ends)
/// between the event loops and the analysis.
///
/// ``offer(_:)`` never grows the queue and never waits for room: the slots are allocated once, the critical
/// section is one move into a slot and a counter increment, and when the queue is full the event is dropped
/// and counted. The lock is only ever held for such short moves (the consumer's ``drain(into:maximum:)``
/// holds it for one batch of moves). Events leave in the order they were offered, so each client's events
/// stay in order.
public final class StatementEventQueue: Sendable {
    /// Accepted and dropped event counts since creation.
    public struct Counters: Sendable, Equatable {
        /// Events accepted into the queue.
        public var received: Int
        /// Events dropped because the queue was full.
        public var dropped: Int
    }

    private struct Ring {
        var slots: [AnalysisEvent?]
        var head = 0
        var count = 0
        var counters = Counters(received: 0, dropped: 0)
    }

    /// The most events the queue holds.
    public let capacity: Int
    private let ring: NIOLockedValueBox<Ring>

    /// Creates a queue of `capacity` slots (default 65536).
    public init(capacity: Int = 65536) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        self.ring = NIOLockedValueBox(Ring(slots: Array(repeating: nil, count: capacity)))
    }

    /// Adds a statement event unless the queue is full; returns false (and counts the drop) when it is.
    @discardableResult
    public func offer(_ event: StatementEvent) -> Bool {
        offer(.statement(event))
    }

    /// Adds `event` unless the queue is full; returns false (and counts the drop) when it is.
    @discardableResult
    public func offer(_ event: AnalysisEvent) -> Bool {
        ring.withLockedValue { ring -> Bool in
            guard ring.count < capacity else {
                ring.counters.dropped += 1
                return false
            }
            var tail = ring.head + ring.count
            if tail >= capacity { tail -= capacity }
            ring.slots[tail] = event
            ring.count += 1
            ring.counters.received += 1
            return true
        }
    }

    /// Moves up to `maximum` events, oldest first, to the end of `batch`; returns how many.
    @discardableResult
    public func drain(into batch: inout [AnalysisEvent], maximum: Int) -> Int {
        ring.withLockedValue { ring -> Int in
            let taken = min(maximum, ring.count)
            for _ in 0..<taken {
                if let event = ring.slots[ring.head].take() { batch.append(event) }
                ring.head = ring.head + 1 == capacity ? 0 : ring.head + 1
            }
            ring.count -= taken
            return taken
        }
    }

    /// Events waiting to be drained.
    public var pendingCount: Int {
        ring.withLockedValue { $0.count }
    }

    /// Accepted and dropped counts.
    public var counters: Counters {
        ring.withLockedValue { $0.counters }
    }
}
