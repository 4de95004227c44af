import NIOCore
import NIOPosix
import PGWire

/// Sends a CancelRequest to a server on a connection of its own, as PostgreSQL expects.
struct CancelForwarder: Sendable {
    func send(_ target: CancelTarget, on eventLoop: any EventLoop) {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .connect(to: target.address)
            .whenSuccess { channel in
                var buffer = channel.allocator.buffer(capacity: 16)
                target.key.encodeCancelRequest(into: &buffer)
                channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
            }
    }
}
