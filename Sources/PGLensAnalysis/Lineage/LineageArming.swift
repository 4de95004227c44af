import NIOConcurrencyHelpers
import Synchronization

/// Which statements the event loops sample the result rows of: the parents of the N+1 loops the analysis
/// found, by ``LineageHash/shape(of:statementIndex:)``. The analysis arms them; each client connection checks
/// a generation number (one atomic load per statement) and copies the set only when it changed, so that
/// nothing is looked at, hashed or locked on the hot path while nothing is armed.
public final class LineageArming: Sendable {
    /// Shapes armed at once; the oldest are disarmed first beyond it.
    public static let capacity = 256

    private let generationCounter = Atomic<Int>(0)
    private let armed = NIOLockedValueBox<(shapes: Set<UInt64>, order: [UInt64])>(([], []))

    /// Nothing armed.
    public init() {}

    /// Changes every time the armed set does (0 while nothing was ever armed).
    public var generation: Int { generationCounter.load(ordering: .acquiring) }

    /// The armed shapes.
    public var shapes: Set<UInt64> { armed.withLockedValue { $0.shapes } }

    /// Arms `shape`; returns false when it was armed already.
    @discardableResult
    public func arm(_ shape: UInt64) -> Bool {
        let added = armed.withLockedValue { armed -> Bool in
            guard armed.shapes.insert(shape).inserted else { return false }
            armed.order.append(shape)
            if armed.order.count > Self.capacity { armed.shapes.remove(armed.order.removeFirst()) }
            return true
        }
        if added { generationCounter.add(1, ordering: .releasing) }
        return added
    }

    /// Disarms everything (a reset of the analysis).
    public func disarmAll() {
        armed.withLockedValue { $0 = ([], []) }
        generationCounter.add(1, ordering: .releasing)
    }
}
