import NIOCore
import PGWire

/// Drives a `ServerLoginMachine` over a fresh server channel, then steps aside.
///
/// Confined to its channel's event loop; `@unchecked Sendable` so the connector's closures, which run
/// on that loop, may hold it.
final class ServerLoginHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the login came to.
    enum Outcome {
        case loggedIn(parameters: [String: String], backendKey: CancelKey?)
        case failed(ErrorFields)
    }

    private var machine: ServerLoginMachine
    private var scanner = MessageScanner(
        watched: .everyType, counted: MessageTypeSet(), maxMessageLength: 1 << 20)
    private let startup: StartupMessage
    private let promise: EventLoopPromise<Outcome>
    private var finished = false
    private var channel: (any Channel)?

    init(startup: StartupMessage, machine: ServerLoginMachine, promise: EventLoopPromise<Outcome>) {
        self.startup = startup
        self.machine = machine
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        channel = context.channel
    }

    /// The login took too long: fail it and close the channel. On the channel's loop.
    func timeOut(_ error: ErrorFields) {
        finish(.failed(error))
        channel?.close(promise: nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        startup.encode(into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        do {
            while !finished, let event = try scanner.next(&input) {
                guard case .message(let type, var frame) = event else { continue }
                frame.moveReaderIndex(forwardBy: 5)
                let message = try BackendMessage.decode(type: type, body: frame)
                switch machine.received(message) {
                case .send(let reply):
                    var buffer = context.channel.allocator.buffer(capacity: 128)
                    reply.encode(into: &buffer)
                    context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
                case .wait:
                    break
                case .loggedIn(let parameters, let backendKey):
                    finish(.loggedIn(parameters: parameters, backendKey: backendKey))
                case .fail(let error):
                    finish(.failed(error))
                    context.close(promise: nil)
                }
            }
        } catch {
            finish(.failed(Self.fields(for: error)))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(
            .failed(
                ErrorFields(
                    severity: "FATAL", sqlState: .connectionFailure,
                    message: "pglens: the server closed the connection during login")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failed(Self.fields(for: error)))
        context.close(promise: nil)
    }

    private func finish(_ outcome: Outcome) {
        guard !finished else { return }
        finished = true
        promise.succeed(outcome)
    }

    private static func fields(for error: any Error) -> ErrorFields {
        ErrorFields(
            severity: "FATAL", sqlState: .connectionFailure,
            message: "pglens: could not log in to the server: \(error)")
    }
}
