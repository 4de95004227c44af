import NIOCore

/// Sits between the channel and a `TLSHandler`: counts the `read` requests the handler passes on.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}
