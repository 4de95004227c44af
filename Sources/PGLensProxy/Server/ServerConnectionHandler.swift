import NIOCore

/// Passes a server channel's events to its `ServerConnection`.
final class ServerConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let connection: ServerConnection

    init(connection: ServerConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.channelRead(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        connection.channelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        connection.channelWritabilityChanged(isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.channelInactive()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
