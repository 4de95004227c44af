import Logging
import NIOCore
import PGLensTLS
import PGWire

/// Drives a `ServerTLSNegotiation` and a `ServerLoginMachine` over a fresh server channel, then steps
/// aside (a TLS handler it added stays under the connection).
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
        /// `server_tls_sslmode = allow`: the server refused the plain login; try again over TLS.
        case refusedWithoutTLS(ErrorFields)
    }

    /// How the connection is encrypted: the negotiation, the client-role context and the host for SNI
    /// and the `verify-full` name check.
    struct Encryption {
        var negotiation: ServerTLSNegotiation
        var context: TLSContext?
        var host: String
        /// Use SCRAM-SHA-256-PLUS when the server offers it (the certificate is verified).
        var bindsChannel: Bool
    }

    private var machine: ServerLoginMachine
    private var encryption: Encryption
    private var tlsHandler: TLSHandler?
    private var scanner = MessageScanner(
        watched: .everyType, counted: MessageTypeSet(), maxMessageLength: 1 << 20)
    private let startup: StartupMessage
    private let promise: EventLoopPromise<Outcome>
    private var finished = false
    private var channel: (any Channel)?
    private let logger: Logger

    init(
        startup: StartupMessage, machine: ServerLoginMachine, encryption: Encryption,
        promise: EventLoopPromise<Outcome>, logger: Logger
    ) {
        self.logger = logger
        self.startup = startup
        self.machine = machine
        self.encryption = encryption
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        channel = context.channel
    }

    /// The TCP connection could not be made: the login fails with `error`, since no channel event will
    /// end it. On the channel's loop.
    func connectFailed(_ error: ErrorFields) {
        finish(.failed(error))
    }

    /// The login took too long: fail it and close the channel. On the channel's loop.
    func timeOut(_ error: ErrorFields) {
        finish(.failed(error))
        channel?.close(promise: nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        perform(encryption.negotiation.connected(), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if encryption.negotiation.awaitsResponse, let byte = input.readInteger(as: UInt8.self) {
            perform(
                encryption.negotiation.responseReceived(byte, bytesFollow: input.readableBytes > 0), context: context)
            return
        }
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
                    logger.debug(
                        "logged in to the server",
                        metadata: [
                            "tls": "\(tlsHandler?.connection.negotiatedProtocolVersion ?? "off")",
                            "sasl": "\(machine.saslMechanism ?? "none")",
                        ])
                    finish(.loggedIn(parameters: parameters, backendKey: backendKey))
                case .fail(let error):
                    let retry = encryption.negotiation.retriesOverTLS(after: error)
                    finish(retry ? .refusedWithoutTLS(error) : .failed(error))
                    context.close(promise: nil)
                }
            }
        } catch {
            finish(.failed(Self.fields(for: error)))
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is TLSHandshakeCompleted, let tlsHandler else {
            return context.fireUserInboundEventTriggered(event)
        }
        machine.encryptionEstablished(
            channelBinding: tlsHandler.connection.serverEndPointChannelBinding,
            bindWhenOffered: encryption.bindsChannel)
        perform(encryption.negotiation.handshakeCompleted(), context: context)
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
        if let error = error as? TLSError, !encryption.negotiation.isEncrypted {
            perform(encryption.negotiation.handshakeFailed("\(error)"), context: context)
            return
        }
        finish(.failed(Self.fields(for: error)))
        context.close(promise: nil)
    }

    private func perform(_ action: ServerTLSNegotiation.Action, context: ChannelHandlerContext) {
        switch action {
        case .sendSSLRequest:
            var buffer = context.channel.allocator.buffer(capacity: 8)
            StartupPacket.sslRequest.encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .startTLS(let checkHostName):
            startTLS(checkHostName: checkHostName, context: context)
        case .sendStartup:
            var buffer = context.channel.allocator.buffer(capacity: 128)
            startup.encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .fail(let error):
            finish(.failed(error))
            context.close(promise: nil)
        }
    }

    /// Puts a client-role TLS handler in front of this handler; its handshake starts at once.
    private func startTLS(checkHostName: Bool, context: ChannelHandlerContext) {
        do {
            guard let tlsContext = encryption.context else {
                throw TLSError.invalidConfiguration("no TLS context toward servers")
            }
            let handler = try TLSHandler(
                context: tlsContext, serverName: encryption.host,
                expectedHostName: checkHostName ? encryption.host : nil)
            tlsHandler = handler
            try context.pipeline.syncOperations.addHandler(handler, position: .before(self))
        } catch {
            perform(encryption.negotiation.handshakeFailed("\(error)"), context: context)
        }
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
