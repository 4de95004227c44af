import NIOCore
import PGLensTLS

/// Sits after a `TLSHandler`: records handshake events, errors and inactivity, passes plaintext on.
final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private(set) var handshakes: [TLSHandshakeCompleted] = []
    private(set) var errors: [any Error] = []
    private(set) var becameInactive = false

    /// The descriptions of the recorded errors, joined.
    var errorText: String {
        errors.map { "\($0)" }.joined(separator: " | ")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSHandshakeCompleted {
            handshakes.append(event)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors.append(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        becameInactive = true
        context.fireChannelInactive()
    }
}
