import NIOCore
import PGWire

/// The admin console's side of a client connection, put after `ClientSessionHandler` once a user of the
/// console logged in: frames the client's messages, feeds them to `AdminConsoleSession`, and runs the
/// commands it returns one after another, holding further input until each Query is answered.
final class AdminConsoleHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let console: AdminConsole
    private let role: AdminRole
    private var session = AdminConsoleSession()
    private var scanner = MessageScanner(watched: .everyType, maxMessageLength: 1 << 20)
    private var context: ChannelHandlerContext?
    /// Input that arrived while a Query was running.
    private var held: ByteBuffer?
    private var running = false

    init(console: AdminConsole, role: AdminRole) {
        self.console = console
        self.role = role
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if running || held != nil {
            held.setOrWriteBuffer(&input)
            if !running { readHeld() }
            return
        }
        read(&input)
    }

    private func read(_ input: inout ByteBuffer) {
        guard let context else { return }
        do {
            while !running, let event = try scanner.next(&input) {
                guard case .message(let type, var frame) = event else { continue }
                frame.moveReaderIndex(forwardBy: 5)
                switch session.received(type: type, body: frame) {
                case .reply(let messages):
                    write(messages)
                case .run(let statements):
                    running = true
                    run(statements[...])
                case .close:
                    context.close(promise: nil)
                    return
                case .sendErrorAndClose(let error):
                    return sendErrorAndClose(error)
                }
            }
        } catch let error as PGProtocolError {
            return sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: error.sqlState, message: error.message))
        } catch {
            return sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "\(error)"))
        }
        if input.readableBytes > 0 { held.setOrWriteBuffer(&input) }
        context.flush()
    }

    private func readHeld() {
        guard var input = held else { return }
        held = nil
        read(&input)
    }

    /// Runs the statements of one Query in order; the first error ends it. Then ReadyForQuery.
    private func run(_ statements: ArraySlice<String>) {
        guard let context else { return }
        guard let statement = statements.first else {
            write([.readyForQuery(.idle)])
            context.flush()
            running = false
            return readHeld()
        }
        let command: AdminCommand
        do {
            command = try AdminCommand(parsing: statement)
        } catch {
            write([.errorResponse(error.fields)])
            return run([])
        }
        let channel = context.channel
        console.run(command, role: role, on: context.eventLoop, stillWanted: { channel.isActive }).whenComplete {
            [self] result in
            // A client that left does not get the rest of its Query run (a SHUTDOWN after a PAUSE).
            guard channel.isActive else { return }
            let reply: AdminReply
            switch result {
            case .success(let value): reply = value
            case .failure(let error):
                reply = .error(ErrorFields(severity: "ERROR", sqlState: .internalError, message: "pglens: \(error)"))
            }
            write(reply.messages)
            switch reply {
            case .rows, .done:
                run(statements.dropFirst())
            case .error:
                run([])
            case .doneAndClose:
                guard let channel = self.context?.channel else { return }
                self.context?.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in
                    channel.close(promise: nil)
                }
            }
        }
    }

    private func sendErrorAndClose(_ error: ErrorFields) {
        guard let context else { return }
        write([.errorResponse(error)])
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
    }

    private func write(_ messages: [BackendMessage]) {
        guard let context, !messages.isEmpty else { return }
        var buffer = context.channel.allocator.buffer(capacity: 256)
        for message in messages { message.encode(into: &buffer) }
        context.write(wrapOutboundOut(buffer), promise: nil)
    }
}
