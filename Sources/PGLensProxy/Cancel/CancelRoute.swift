import NIOConcurrencyHelpers
import PGWire

/// One client's entry in the `CancelRegistry`: its cancel key, and the server connection a cancel request
/// carrying that key must go to now.
///
/// The client session updates its own route at every change of server connection (twice per transaction
/// under transaction pooling) without touching the registry's shared table.
final class CancelRoute: Sendable {
    let key: CancelKey
    private let current = NIOLockedValueBox<CancelTarget?>(nil)

    init(key: CancelKey) {
        self.key = key
    }

    /// The client now uses the server connection behind `target` (nil: none).
    func update(_ target: CancelTarget?) {
        current.withLockedValue { $0 = target }
    }

    var target: CancelTarget? {
        current.withLockedValue { $0 }
    }
}
