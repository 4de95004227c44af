import NIOConcurrencyHelpers
import PGLensCrypto
import PGWire

/// The cancel keys pglens gave its clients, and for each the server connection it must cancel on.
///
/// PostgreSQL documentation, "55.2.8 Canceling Requests in Progress".
final class CancelRegistry: Sendable {
    private let entries = NIOLockedValueBox([CancelKey: CancelTarget?]())

    /// A new key for a client, unique among the clients connected now.
    func register() -> CancelKey {
        entries.withLockedValue { entries in
            while true {
                let bytes = SecureRandom.bytes(8)
                let processID =
                    Int32(
                        bitPattern: UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16
                            | UInt32(bytes[2]) << 8 | UInt32(bytes[3])) & 0x7fff_ffff
                let key = CancelKey(processID: processID, secret: Array(bytes[4..<8]))
                if processID != 0, entries[key] == nil {
                    entries[key] = .some(nil)
                    return key
                }
            }
        }
    }

    /// The client with `key` now uses the server connection behind `target` (nil: none).
    func update(_ key: CancelKey, target: CancelTarget?) {
        entries.withLockedValue { entries in
            if entries[key] != nil { entries[key] = .some(target) }
        }
    }

    func remove(_ key: CancelKey) {
        _ = entries.withLockedValue { $0.removeValue(forKey: key) }
    }

    /// Where a cancel request carrying `key` must go, if anywhere.
    func target(for key: CancelKey) -> CancelTarget? {
        entries.withLockedValue { entries in entries[key] ?? nil }
    }
}
