import Foundation
import Logging
import NIOCore
import PGLensAnalysis
import PGLensConfig
import PGLensTLS
import PGWire

/// Draining, and the end of a session: what becomes of its server connection.
extension ClientSessionHandler {
    // MARK: Shutting down

    func drain() {
        draining = true
        endIfBetweenTransactions()
    }

    /// Ends a draining session that has no transaction open and no request in flight.
    func endIfBetweenTransactions() {
        switch state {
        case .startup, .authenticating, .console:
            sendErrorAndClose(Self.shuttingDown)
        case .idle:
            if heldInput.isEmpty, rejector == nil { sendErrorAndClose(Self.shuttingDown) }
        case .linked:
            if traffic.transactionStatus == .idle, traffic.leavesServerReusable {
                context?.flush()
                sendErrorAndClose(Self.shuttingDown)
            }
        case .waitingForServer, .preparingServer, .closed:
            // A request is on its way to a server: its answer comes first.
            break
        }
    }

    static let shuttingDown = ErrorFields(
        severity: "FATAL", sqlState: .adminShutdown,
        message: "terminating connection because pglens is shutting down",
        hint: "Reconnect: another pglens instance, or this one once it is back, will serve you.")

    // MARK: Ending

    /// The reset query to run before `server` serves another client: none under transaction pooling, where
    /// no session state is left behind.
    func resetQuery(after server: ServerConnection) -> String? {
        traffic.transactionPooling && !traffic.pinned ? nil : shared.configuration.serverResetQuery.nilIfEmpty
    }

    /// The client is gone (Terminate or a closed socket): give back or close what it held.
    func clientLeft() {
        let previous = state
        state = .closed
        sweeper?.remove(self)
        sweeper = nil
        if registered {
            registered = false
            shared.clients.remove(id: clientID)
        }
        if let cancelRoute { shared.cancels.remove(cancelRoute.key) }
        if client != nil, eventSequence > 0, !Self.isClosed(previous) {
            // After the connection's last statement event: its open unit of work ends now.
            shared.analysis?.connectionEnded(clientID)
        }
        switch previous {
        case .waitingForServer(_, let waiter):
            if let poolKey { _ = shared.pools.cancelWait(key: poolKey, waiter: waiter) }
        case .linked(let server):
            let handBack = ServerHandBack.clientLeft(handBackSituation(server))
            if let settings = handBack.settings { server.settings = settings }
            let resetQuery = handBack.resetQuery
            let pools = shared.pools
            server.unlink {
                switch handBack.disposal {
                case .close, .keep:
                    pools.discard(server)
                case .release:
                    pools.release(server, resetQuery: resetQuery)
                case .rollbackThenRelease:
                    server.runInternalQuery("ROLLBACK").whenComplete { result in
                        guard case .success(let outcome) = result, outcome.transactionStatus == .idle else {
                            return pools.discard(server)
                        }
                        pools.release(server, resetQuery: resetQuery)
                    }
                }
            }
        case .startup, .authenticating, .idle, .preparingServer, .console, .closed:
            break
        }
    }

    static func isClosed(_ state: State) -> Bool {
        if case .closed = state { return true }
        return false
    }

    func close() {
        clientLeft()
        context?.close(promise: nil)
    }

    func sendErrorAndClose(_ error: ErrorFields) {
        guard let context, context.channel.isActive else { return clientLeft() }
        var buffer = context.channel.allocator.buffer(capacity: 128)
        BackendMessage.errorResponse(error).encode(into: &buffer)
        clientLeft()
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }

    func write(_ messages: [BackendMessage], flush: Bool) {
        guard let context, !messages.isEmpty else { return }
        var buffer = context.channel.allocator.buffer(capacity: 256)
        for message in messages { message.encode(into: &buffer) }
        if flush {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        } else {
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
    }

    static let serverLost = ErrorFields(
        severity: "FATAL", sqlState: .connectionFailure,
        message: "pglens: the server connection was lost",
        detail: "The PostgreSQL server closed the connection or stopped answering.")
}
