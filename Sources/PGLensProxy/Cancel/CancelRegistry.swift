import NIOConcurrencyHelpers
import PGLensCrypto
import PGWire

/// The cancel keys pglens gave its clients, and for each the route to the server connection it must
/// cancel on.
///
/// PostgreSQL documentation, "55.2.8 Canceling Requests in Progress".
final class CancelRegistry: Sendable {
    private let routes = NIOLockedValueBox([CancelKey: CancelRoute]())

    /// A new route for a client, with a key unique among the clients connected now.
    func register() -> CancelRoute {
        routes.withLockedValue { routes in
            while true {
                let bytes = SecureRandom.bytes(8)
                let processID =
                    Int32(
                        bitPattern: UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16
                            | UInt32(bytes[2]) << 8 | UInt32(bytes[3])) & 0x7fff_ffff
                let key = CancelKey(processID: processID, secret: Array(bytes[4..<8]))
                if processID != 0, routes[key] == nil {
                    let route = CancelRoute(key: key)
                    routes[key] = route
                    return route
                }
            }
        }
    }

    func remove(_ key: CancelKey) {
        _ = routes.withLockedValue { $0.removeValue(forKey: key) }
    }

    /// Where a cancel request carrying `key` must go, if anywhere.
    func target(for key: CancelKey) -> CancelTarget? {
        routes.withLockedValue { $0[key] }?.target
    }
}
