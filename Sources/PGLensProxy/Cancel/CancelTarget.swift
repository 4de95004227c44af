import NIOCore
import PGWire

/// Where a cancel request for a client must go: the server connection it is using right now.
struct CancelTarget: Sendable {
    var address: SocketAddress
    var key: CancelKey
}
