import Foundation
import Logging
import NIOCore
import PGLensAnalysis
import PGLensConfig
import PGLensTLS
import PGWire

/// One client connection: its startup and login, then its session, forwarded to a pooled server
/// connection (session pooling: the same one until the client leaves; transaction pooling: one per
/// transaction, given back at ReadyForQuery outside a transaction block).
///
/// Everything here runs on the client channel's event loop. Decisions about the login are
/// `ClientStartupMachine`'s; decisions about the pool are `PoolManager`'s.
final class ClientSessionHandler: ChannelInboundHandler, ServerConnectionOwner, SessionSweeper.Session,
    AdministeredSession, @unchecked Sendable
{
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        /// Startup packets (SSLRequest, StartupMessage, CancelRequest) are expected.
        case startup
        /// Authentication messages are expected.
        case authenticating
        /// Logged in, holding no server connection (until the client sends its first request).
        case idle
        /// Waiting in the pool's queue.
        case waitingForServer(ServerRequest, waiter: Int)
        /// A server connection was handed over; pglens is applying the client's settings to it.
        case preparingServer(ServerConnection)
        /// Forwarding both ways.
        case linked(ServerConnection)
        /// Logged in to the admin console: `AdminConsoleHandler`, next in the pipeline, gets the bytes.
        case console
        case closed
    }

    /// Why the session asks the pool for a server connection.
    enum ServerRequest {
        /// The pool has never logged in: the client's login waits for the server's parameters.
        case login
        /// The client sent a request (its first one; under transaction pooling, the first of a transaction).
        case request
    }

    let eventLoop: any EventLoop
    let shared: ProxyContext
    let loopIndex: Int
    var logger: Logger
    /// Set when the client must be refused once its startup packet is read (too many clients).
    let refusal: ErrorFields?

    var state: State = .startup
    var context: ChannelHandlerContext?
    var startupDecoder = StartupPacketDecoder()
    /// The start of a startup packet that has not arrived whole yet.
    var startupBytes: ByteBuffer?
    var machine: ClientStartupMachine
    /// The TLS handler put under this one when the client asked for TLS.
    var tlsHandler: TLSHandler?
    /// A direct TLS client's first bytes (its ClientHello), handed to the TLS handler once it is added.
    var clientHello: ByteBuffer?
    var authScanner: MessageScanner
    /// The session's traffic with its server connection; set for the pool mode once the client logs in.
    var traffic: LinkTraffic
    /// Client bytes that arrived before a server connection was linked.
    var heldInput: [ByteBuffer] = []
    var cancelRoute: CancelRoute?
    var poolKey: PoolKey?
    var client: AuthenticatedClient?
    /// Set while requests that got no server connection are answered with errors.
    var rejector: RequestRejector?
    lazy var rejectionScanner = MessageScanner(
        watched: .everyType, maxMessageLength: shared.configuration.maxPacketSize)
    /// The ParameterStatus values the client was told, to send it what changes once it has a server.
    var announcedParameters: [String: String] = [:]
    /// What the client was told of `standard_conforming_strings` (for the normalizer of its statements):
    /// set with `announce`, which every change of `announcedParameters` goes through.
    var standardConformingStrings = true
    /// For the time limits (kept only when one is on): when the client last sent something, since when
    /// the server owes an answer, and when pglens cancelled it.
    var lastClientMessage = NIODeadline.now()
    /// The settings the client's session must have on any server connection it is given (set at login,
    /// once the pool's defaults are known).
    var settingsProfile = ClientSettingsProfile.empty
    /// The server connection's parameters when it was linked: under transaction pooling, a change by the
    /// time it is given back means the client changed a reported setting in a way pglens could not see.
    var linkedParameters: [String: String] = [:]
    var requestOutstandingSince: NIODeadline?
    var cancelledAt: NIODeadline?
    var sweeper: SessionSweeper?
    /// For statement events: the session's id and address, how many it sent, and how long the request
    /// being linked waited for a server connection.
    var clientID: UInt64 = 0
    var clientAddress = ""
    var eventSequence: UInt64 = 0
    var waitedSince: NIODeadline?
    var serverWait: UInt64 = 0
    /// Whether statement events carry parameter values (`capture_parameters`).
    var captureParameters: Bool { shared.analysisCapturesParameters }
    /// The session's share of SHOW STATS, and when it last asked the pool for a connection.
    var meter = SessionTrafficMeter()
    var serverRequestedAt: NIODeadline?
    /// For SHOW CLIENTS: when the client connected, and whether it is in the registry.
    let connectedAt = Date()
    var registered = false
    /// Whether pglens asked this session to end once its transaction is over.
    var draining = false

    init(shared: ProxyContext, eventLoop: any EventLoop, refusal: ErrorFields?) {
        self.shared = shared
        self.eventLoop = eventLoop
        self.loopIndex = shared.loopIndex(of: eventLoop)
        self.logger = shared.logger
        self.refusal = refusal
        self.machine = ClientStartupMachine(policy: shared.authPolicy)
        self.authScanner = MessageScanner(watched: .everyType, counted: MessageTypeSet(), maxMessageLength: 65_536)
        self.traffic = LinkTraffic(transactionPooling: false, maxPacketSize: shared.configuration.maxPacketSize)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let timeout = shared.configuration.clientLoginTimeout
        if timeout > 0 {
            context.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout * 1e9))) { [self] in
                switch state {
                case .startup, .authenticating:
                    sendErrorAndClose(
                        ErrorFields(
                            severity: "FATAL", sqlState: .protocolViolation,
                            message: "pglens: client did not log in within client_login_timeout"))
                case .idle, .waitingForServer, .preparingServer, .linked, .console, .closed:
                    break
                }
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if sweeper != nil { lastClientMessage = .now() }
        switch state {
        case .linked(let server):
            forwardToServer(&input, server: server)
        case .startup:
            readStartup(&input)
        case .authenticating:
            readAuthentication(&input)
        case .idle where rejector != nil:
            rejectRequests(&input)
        case .idle:
            requestArrived(input)
        case .waitingForServer, .preparingServer:
            heldInput.append(input)
        case .console:
            context.fireChannelRead(NIOAny(input))
        case .closed:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .linked(let server) = state { server.flush() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .linked(let server) = state {
            server.channel.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenFailure { _ in }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientLeft()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("client connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Forwarding

    func forwardToServer(_ input: inout ByteBuffer, server: ServerConnection) {
        meter.received(input.readableBytes)
        if meter.requestStartedAt == nil {
            meter.requestStarted(at: .now(), inTransaction: traffic.transactionStatus != .idle)
        }
        do {
            let outcome = try traffic.clientBytes(&input, statements: &server.statements) { server.send($0) }
            let counts = traffic.takeParseAndBindCounts()
            meter.parsed(counts.parses, bound: counts.binds)
            if !traffic.sessionStateUses.isEmpty { recordSessionState() }
            if sweeper != nil, requestOutstandingSince == nil, traffic.pending.unansweredRequests > 0 {
                requestOutstandingSince = .now()
            }
            if outcome == .terminated {
                server.flush()
                close()
            }
        } catch let error as PGProtocolError {
            server.flush()
            sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: error.sqlState, message: error.message))
        } catch {
            sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "\(error)"))
        }
    }

    /// Keeps each statement that left session state under transaction pooling as a finding, and logs it
    /// (normalized: no constant of the statement reaches the log).
    func recordSessionState() {
        guard let client else { return }
        let applicationName = client.settings.first { $0.name == "application_name" }?.value ?? ""
        for (use, action) in traffic.takeSessionStateUses() {
            let statement = String(use.statement)
            shared.recordSessionState(
                SessionStateObservation(
                    statementText: statement, database: client.database, applicationName: applicationName,
                    action: SessionStateAction(rawValue: action.rawValue) ?? .pin, observedAt: Date()))
            logger.log(
                level: action == .pin ? .info : .warning,
                "statement leaves session state under pool_mode = transaction",
                metadata: [
                    "kind": "\(use.kind.rawValue)", "action": "\(action.rawValue)",
                    "application_name": "\(applicationName)",
                    "statement": "\(shared.normalizer.normalize(statement).text)",
                ])
        }
    }

    func serverConnection(_ connection: ServerConnection, didRead bytes: ByteBuffer) {
        guard let context, case .linked(let server) = state, server === connection else { return }
        let outcome: LinkTraffic.ServerOutcome
        let owed = traffic.pending.unansweredRequests
        meter.sent(bytes.readableBytes)
        do {
            outcome = try traffic.serverBytes(
                bytes, statements: &server.statements, parameters: &server.parameters
            ) { context.write(wrapOutboundOut($0), promise: nil) }
        } catch {
            shared.pools.discard(server)
            return sendErrorAndClose(Self.serverLost)
        }
        if outcome.parametersChanged { server.parametersChanged() }
        if traffic.hasFinishedStatements { sendStatementEvents() }
        guard outcome.readyForQuery else { return }
        let outstanding = traffic.pending.unansweredRequests
        meter.readyForQuery(
            at: .now(), answered: owed - outstanding, outstanding: outstanding,
            inTransaction: traffic.transactionStatus != .idle)
        if sweeper != nil {
            requestOutstandingSince = traffic.pending.unansweredRequests > 0 ? .now() : nil
            cancelledAt = nil
        }
        releaseIfAtRest(server)
        if draining { endIfBetweenTransactions() }
    }

    // MARK: Time limits

    func checkTimeouts(now: NIODeadline) {
        switch state {
        case .idle, .linked: break
        case .waitingForServer(_, let waiter):
            let activity = ClientTimeouts.Activity(
                lastClientMessage: lastClientMessage, inTransaction: false, waitingSince: serverRequestedAt)
            if let poolKey, shared.timeouts.expired(activity, now: now) == .queryWait {
                waitTimedOut(key: poolKey, waiter: waiter)
            }
            return
        case .startup, .authenticating, .preparingServer, .console, .closed: return
        }
        let activity = ClientTimeouts.Activity(
            lastClientMessage: lastClientMessage, requestOutstandingSince: requestOutstandingSince,
            inTransaction: traffic.transactionStatus != .idle, cancelledAt: cancelledAt)
        guard let expiry = shared.timeouts.expired(activity, now: now) else { return }
        switch expiry {
        case .queryWait:
            break
        case .clientIdle:
            sendErrorAndClose(
                ErrorFields(
                    severity: "FATAL", sqlState: .idleSessionTimeout,
                    message: "pglens: closing the connection: client_idle_timeout passed with nothing sent"))
        case .idleTransaction:
            sendErrorAndClose(
                ErrorFields(
                    severity: "FATAL", sqlState: .idleInTransactionSessionTimeout,
                    message: "pglens: closing the connection: idle_transaction_timeout passed inside a transaction",
                    detail: "The transaction was rolled back."))
        case .query:
            cancelledAt = now
            guard case .linked(let server) = state, let key = server.backendKey else { return }
            logger.warning("query_timeout passed: cancelling the request on the server")
            CancelForwarder().send(CancelTarget(address: server.remoteAddress, key: key), on: eventLoop)
        case .queryAbandoned:
            if case .linked(let server) = state {
                state = .closed
                shared.pools.discard(server)
            }
            sendErrorAndClose(
                ErrorFields(
                    severity: "FATAL", sqlState: .queryCanceled,
                    message: "pglens: query_timeout passed and the server did not answer the cancel"))
        }
    }

    /// Hands the statements that finished to the analysis, off the event loop.
    func sendStatementEvents() {
        guard let analysis = shared.analysis, let client else { return }
        let applicationName = client.applicationName
        traffic.drainFinishedStatements { record in
            eventSequence += 1
            let startNanoseconds = record.start.uptimeNanoseconds
            let sinceAnchor = Double(Int64(startNanoseconds) - Int64(shared.clockAnchor.monotonic.uptimeNanoseconds))
            var event = StatementEvent(
                clientConnectionID: clientID, sequence: eventSequence, clientAddress: clientAddress,
                database: client.database, user: client.user, applicationName: applicationName,
                text: .simpleQuery(
                    record.text, statementIndex: record.statementIndex,
                    standardConformingStrings: standardConformingStrings),
                parameters: record.parameters, startMonotonicNanoseconds: startNanoseconds,
                startedAt: shared.clockAnchor.wall.addingTimeInterval(sinceAnchor / 1e9),
                durationNanoseconds: record.end.uptimeNanoseconds &- startNanoseconds, rows: record.rows,
                bytesReturned: record.bytesReturned, sqlState: record.sqlState, serverWaitNanoseconds: serverWait,
                inExplicitTransaction: record.inTransaction)
            event.parameterHash = record.parameterHash
            event.parameterValues = record.parameterValues
            event.resultSample = record.resultSample
            serverWait = 0
            _ = analysis.offer(event)
        }
    }

    /// Under transaction pooling, gives the server connection back once the transaction is over and the
    /// server owes nothing.
    func releaseIfAtRest(_ server: ServerConnection) {
        guard traffic.transactionPooling, traffic.transactionStatus == .idle, traffic.isAtRest else { return }
        let handBack = ServerHandBack.transactionEnded(handBackSituation(server))
        if let settings = handBack.settings { server.settings = settings }
        if handBack.disposal == .keep {
            traffic.pin()
            logger.info(
                "the server reported a changed setting under pool_mode = transaction; the client keeps its server connection",
                metadata: ["client": "c\(clientID)"])
            return
        }
        state = .idle
        cancelRoute?.update(nil)
        let pools = shared.pools
        server.unlink { pools.release(server, resetQuery: nil) }
        // No read-complete will come from a connection no longer linked: flush the answer now.
        context?.flush()
    }

    /// What `ServerHandBack` needs to know of the session holding `server`.
    func handBackSituation(_ server: ServerConnection) -> ServerHandBack.Situation {
        ServerHandBack.Situation(
            transactionPooling: traffic.transactionPooling, pinned: traffic.pinned,
            pinsOnSessionState: traffic.sessionStatePolicy == .pin, settingsReset: traffic.takeSettingsReset(),
            parametersChanged: server.parameters != linkedParameters, reusable: traffic.leavesServerReusable,
            transactionStatus: traffic.transactionStatus,
            configuredResetQuery: shared.configuration.serverResetQuery.nilIfEmpty)
    }

    func serverConnectionDidReadComplete(_ connection: ServerConnection) {
        guard case .linked(let server) = state, server === connection else { return }
        context?.flush()
    }

    func serverConnectionDidClose(_ connection: ServerConnection) {
        guard case .linked(let server) = state, server === connection else { return }
        shared.pools.discard(server)
        state = .closed
        context?.flush()
        sendErrorAndClose(Self.serverLost)
    }

    func serverConnectionWritabilityChanged(_ connection: ServerConnection, isWritable: Bool) {
        guard case .linked(let server) = state, server === connection else { return }
        context?.channel.setOption(ChannelOptions.autoRead, value: isWritable).whenFailure { _ in }
    }

}
