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

    private enum State {
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
    private enum ServerRequest {
        /// The pool has never logged in: the client's login waits for the server's parameters.
        case login
        /// The client sent a request (its first one; under transaction pooling, the first of a transaction).
        case request
    }

    let eventLoop: any EventLoop
    private let shared: ProxyContext
    private let loopIndex: Int
    private var logger: Logger
    /// Set when the client must be refused once its startup packet is read (too many clients).
    private let refusal: ErrorFields?

    private var state: State = .startup
    private var context: ChannelHandlerContext?
    private var startupDecoder = StartupPacketDecoder()
    /// The start of a startup packet that has not arrived whole yet.
    private var startupBytes: ByteBuffer?
    private var machine: ClientStartupMachine
    /// The TLS handler put under this one when the client asked for TLS.
    private var tlsHandler: TLSHandler?
    /// A direct TLS client's first bytes (its ClientHello), handed to the TLS handler once it is added.
    private var clientHello: ByteBuffer?
    private var authScanner: MessageScanner
    /// The session's traffic with its server connection; set for the pool mode once the client logs in.
    private var traffic: LinkTraffic
    /// Client bytes that arrived before a server connection was linked.
    private var heldInput: [ByteBuffer] = []
    private var cancelRoute: CancelRoute?
    private var poolKey: PoolKey?
    private var client: AuthenticatedClient?
    /// Set while requests that got no server connection are answered with errors.
    private var rejector: RequestRejector?
    private lazy var rejectionScanner = MessageScanner(
        watched: .everyType, maxMessageLength: shared.configuration.maxPacketSize)
    /// The ParameterStatus values the client was told, to send it what changes once it has a server.
    private var announcedParameters: [String: String] = [:]
    /// What the client was told of `standard_conforming_strings` (for the normalizer of its statements):
    /// set with `announce`, which every change of `announcedParameters` goes through.
    private var standardConformingStrings = true
    /// For the time limits (kept only when one is on): when the client last sent something, since when
    /// the server owes an answer, and when pglens cancelled it.
    private var lastClientMessage = NIODeadline.now()
    /// The settings the client's session must have on any server connection it is given (set at login,
    /// once the pool's defaults are known).
    private var settingsProfile = ClientSettingsProfile.empty
    /// The server connection's parameters when it was linked: under transaction pooling, a change by the
    /// time it is given back means the client changed a reported setting in a way pglens could not see.
    private var linkedParameters: [String: String] = [:]
    private var requestOutstandingSince: NIODeadline?
    private var cancelledAt: NIODeadline?
    private var sweeper: SessionSweeper?
    /// For statement events: the session's id and address, how many it sent, and how long the request
    /// being linked waited for a server connection.
    private var clientID: UInt64 = 0
    private var clientAddress = ""
    private var eventSequence: UInt64 = 0
    private var waitedSince: NIODeadline?
    private var serverWait: UInt64 = 0
    /// Whether statement events carry parameter values (`capture_parameters`).
    private var captureParameters: Bool { shared.analysisCapturesParameters }
    /// The session's share of SHOW STATS, and when it last asked the pool for a connection.
    private var meter = SessionTrafficMeter()
    private var serverRequestedAt: NIODeadline?
    /// For SHOW CLIENTS: when the client connected, and whether it is in the registry.
    private let connectedAt = Date()
    private var registered = false

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

    // MARK: Startup and login

    private func readStartup(_ input: inout ByteBuffer) {
        // A TLS handshake record (0x16) first: PostgreSQL 17's direct TLS. No startup packet can begin
        // so (its length would exceed any limit).
        if tlsHandler == nil, startupBytes == nil, input.getInteger(at: input.readerIndex, as: UInt8.self) == 0x16 {
            clientHello = input
            input.clear()
            return perform(machine.directTLSRequested())
        }
        // A startup packet may arrive in pieces: keep what came until it is whole.
        if var pending = startupBytes {
            pending.writeBuffer(&input)
            input = pending
            startupBytes = nil
        }
        do {
            while case .startup = state, let packet = try startupDecoder.decode(&input) {
                if let refusal, case .startup = packet {
                    sendErrorAndClose(refusal)
                    return
                }
                perform(machine.startupPacketReceived(packet, bytesFollow: input.readableBytes > 0))
            }
        } catch let error as PGProtocolError {
            return sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: error.sqlState, message: error.message))
        } catch {
            return sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "\(error)"))
        }
        guard input.readableBytes > 0, let context else { return }
        switch state {
        case .startup:
            startupBytes = input
        case .authenticating, .idle, .waitingForServer, .preparingServer, .linked, .console:
            // What followed the startup packet in the same read belongs to the next phase.
            channelRead(context: context, data: NIOAny(input))
        case .closed:
            break
        }
    }

    private func readAuthentication(_ input: inout ByteBuffer) {
        do {
            while case .authenticating = state, let event = try authScanner.next(&input) {
                guard case .message(let type, var frame) = event else { continue }
                guard type == FrontendMessageID.passwordOrSASL.rawValue else {
                    if type == FrontendMessageID.terminate.rawValue {
                        close()
                        return
                    }
                    sendErrorAndClose(
                        ErrorFields(
                            severity: "FATAL", sqlState: .protocolViolation,
                            message: "expected a password message during authentication"))
                    return
                }
                frame.moveReaderIndex(forwardBy: 5)
                perform(machine.passwordMessageReceived(frame))
            }
        } catch let error as PGProtocolError {
            sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: error.sqlState, message: error.message))
        } catch {
            sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "\(error)"))
        }
        // What followed the last authentication message in the same read belongs to the session.
        if input.readableBytes > 0, let context, !isAuthenticating {
            channelRead(context: context, data: NIOAny(input))
        }
    }

    private var isAuthenticating: Bool {
        if case .authenticating = state { return true }
        return false
    }

    private func perform(_ action: ClientStartupMachine.Action) {
        guard let context else { return }
        switch action {
        case .refuseEncryption:
            var buffer = context.channel.allocator.buffer(capacity: 1)
            buffer.writeInteger(UInt8(ascii: "N"))
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .acceptEncryption:
            acceptEncryption(context: context)
        case .acceptDirectEncryption:
            acceptEncryption(context: context, direct: true)
        case .awaitStartup:
            break
        case .drop:
            close()
        case .send(let messages):
            state = .authenticating
            write(messages, flush: true)
        case .lookUpSecret(let user, let database):
            let lookup = shared.authLookup.secret(
                user: user, database: database, loopIndex: loopIndex, on: context.eventLoop)
            lookup.whenComplete { [self] result in
                // The client may have gone, or broken the protocol, while the lookup ran.
                guard case .startup = state else { return }
                switch result {
                case .success(let secret): perform(machine.secretLookedUp(secret))
                case .failure: perform(machine.secretLookupFailed())
                }
            }
        case .cancel(let key):
            if let target = shared.cancels.target(for: key) {
                CancelForwarder().send(target, on: context.eventLoop)
            }
            close()
        case .fail(let error):
            sendErrorAndClose(error)
        case .authenticated(let client, let prefix):
            write(prefix, flush: false)
            authenticated(client)
        }
    }

    /// Answers 'S' in plain text (unless `direct`), then puts a server-role `TLSHandler` in front of this
    /// handler: the client's next bytes are its handshake, and the startup continues on the decrypted
    /// stream. A direct TLS client's ClientHello, already read, is handed to the TLS handler.
    private func acceptEncryption(context: ChannelHandlerContext, direct: Bool = false) {
        guard let tls = shared.clientTLS else { return close() }
        let handler: TLSHandler
        do {
            handler = try TLSHandler(context: tls)
        } catch {
            logger.warning("cannot start TLS with a client", metadata: ["error": "\(error)"])
            return close()
        }
        if !direct {
            var buffer = context.channel.allocator.buffer(capacity: 1)
            buffer.writeInteger(UInt8(ascii: "S"))
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        do {
            try context.pipeline.syncOperations.addHandler(handler, position: .before(self))
        } catch {
            logger.debug("cannot add the TLS handler", metadata: ["error": "\(error)"])
            return close()
        }
        tlsHandler = handler
        if let clientHello {
            self.clientHello = nil
            context.pipeline.syncOperations.fireChannelRead(NIOAny(clientHello))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let handshake = event as? TLSHandshakeCompleted, let tlsHandler, case .startup = state else {
            return context.fireUserInboundEventTriggered(event)
        }
        perform(
            machine.encryptionEstablished(
                alpn: handshake.negotiatedALPN, channelBinding: tlsHandler.connection.serverEndPointChannelBinding))
    }

    private func authenticated(_ client: AuthenticatedClient) {
        if shared.draining.load(ordering: .relaxed) { return sendErrorAndClose(Self.shuttingDown) }
        if let recovered = client.recoveredServerCredential { shared.remember(recovered, for: client.user) }
        logger[metadataKey: "user"] = "\(client.user)"
        logger[metadataKey: "database"] = "\(client.database)"
        if AdminRole.databaseNames.contains(client.database) { return startConsole(client) }
        if shared.pools.isDisabled(client.database) {
            return sendErrorAndClose(
                ErrorFields(
                    severity: "FATAL", sqlState: .cannotConnectNow,
                    message: "pglens: database \"\(client.database)\" is disabled; new logins are refused until ENABLE")
            )
        }
        // Users and databases as last (re)loaded.
        let configuration = shared.currentConfiguration
        guard let database = configuration.databases[client.database] else {
            return sendErrorAndClose(
                ErrorFields(
                    severity: "FATAL", sqlState: .invalidCatalogName,
                    message: "database \"\(client.database)\" does not exist"))
        }
        self.client = client
        let mode = configuration.poolMode(database: database, user: configuration.users[client.user])
        traffic = LinkTraffic(
            transactionPooling: mode == .transaction,
            sessionStatePolicy: shared.configuration.sessionStatePolicy(for: database),
            tracker: shared.analysis == nil ? nil : StatementTracker(captureParameters: captureParameters),
            maxPacketSize: shared.configuration.maxPacketSize)
        clientID = shared.clientIDs.wrappingAdd(1, ordering: .relaxed).newValue
        if shared.analysis != nil {
            clientAddress = context?.channel.remoteAddress?.ipAddress ?? ""
        }
        meter = SessionTrafficMeter(cell: shared.statistics.counters(loopIndex: loopIndex).cell(for: client.database))
        shared.clients.add(self, id: clientID, database: client.database)
        registered = true
        let key = PoolKey(database: client.database, user: client.user)
        poolKey = key
        cancelRoute = shared.cancels.register()
        guard let defaults = shared.pools.serverDefaults(key) else {
            // The first client of a pool: its login waits for a server connection and its parameters.
            return requestServer(.login)
        }
        // Log in at once with the pool's parameters; a server connection is taken at the first request.
        announce(Self.announced(defaults, settings: client.settings))
        settingsProfile = ClientSettingsProfile(settings: client.settings, reportedDefaults: defaults)
        state = .idle
        sendLoginCompletion()
        if !heldInput.isEmpty { requestServer(.request) }
    }

    /// The client sent a request while holding no server connection.
    private func requestArrived(_ input: ByteBuffer) {
        if input.readableBytes >= 1, input.getInteger(at: input.readerIndex) == FrontendMessageID.terminate.rawValue {
            return close()
        }
        heldInput.append(input)
        // Transaction pooling takes a connection per transaction: an idle one on this loop, at once.
        if traffic.transactionPooling, let poolKey, let client, !shared.pools.isPausedNow(poolKey.database),
            let server = shared.pools.acquireIdle(key: poolKey, loopIndex: loopIndex)
        {
            return prepare(server, for: client)
        }
        requestServer(.request)
    }

    private func requestServer(_ request: ServerRequest) {
        guard let poolKey else { return }
        joinSweeper()
        serverRequestedAt = .now()
        if shared.analysis != nil, case .request = request { waitedSince = .now() }
        // The completion always runs later, on this loop: the wait state below is entered first. The
        // sweeper of this loop ends the wait at query_wait_timeout (`checkTimeouts`).
        let waiter = shared.pools.acquire(key: poolKey, loopIndex: loopIndex) { [self] result in
            serverAcquired(result)
        }
        state = .waitingForServer(request, waiter: waiter)
    }

    private func waitTimedOut(key: PoolKey, waiter: Int) {
        guard case .waitingForServer(let request, _) = state, shared.pools.cancelWait(key: key, waiter: waiter)
        else { return }
        let seconds = shared.configuration.queryWaitTimeout
        let error = ErrorFields(
            severity: "ERROR", sqlState: .tooManyConnections,
            message: "pglens: no server connection became free within query_wait_timeout (\(seconds) s)",
            hint: "The pool for \(key) is full; raise pool_size or lower the load.")
        switch request {
        case .login:
            sendErrorAndClose(error.withSeverity("FATAL"))
        case .request:
            failHeldRequests(error)
        }
    }

    /// Answers every request the client sent while it waited with `error`, as PostgreSQL answers failed
    /// requests, and returns the session to idle. The client stays logged in.
    private func failHeldRequests(_ error: ErrorFields) {
        let held = heldInput
        heldInput = []
        state = .idle
        rejector = RequestRejector(error: error)
        for var bytes in held {
            rejectRequests(&bytes)
        }
        context?.flush()
    }

    /// Feeds client bytes to the rejector until it stops discarding; what follows is a new request.
    private func rejectRequests(_ input: inout ByteBuffer) {
        guard var rejector, let context else { return }
        do {
            while let event = try rejectionScanner.next(&input) {
                guard case .message(let type, _) = event else { continue }
                switch rejector.received(type: type) {
                case .reply(let messages):
                    write(messages, flush: false)
                case .close:
                    self.rejector = nil
                    return close()
                }
                if !rejector.discardingUntilSync, !rejectionScanner.hasPartialMessage {
                    self.rejector = nil
                    context.flush()
                    if input.readableBytes > 0 { channelRead(context: context, data: NIOAny(input)) }
                    return
                }
            }
            self.rejector = rejector
        } catch {
            sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "\(error)"))
        }
    }

    private func serverAcquired(_ result: Result<ServerConnection, ServerConnector.Failure>) {
        guard case .waitingForServer(let request, _) = state, let client else {
            // The client left while waiting: the connection is clean, give it back as it is.
            if case .success(let server) = result { shared.pools.release(server, resetQuery: nil) }
            return
        }
        switch (result, request) {
        case (.failure(let failure), _):
            sendErrorAndClose(failure.error)
        case (.success(let server), .login):
            // The connection was only needed to learn the server's parameters: it goes back to the pool
            // untouched, and the client gets one at its first request like every other client.
            shared.pools.release(server, resetQuery: nil)
            serverRequestedAt = nil
            announce(Self.announced(server.loginParameters, settings: client.settings))
            settingsProfile = ClientSettingsProfile(settings: client.settings, reportedDefaults: server.loginParameters)
            state = .idle
            sendLoginCompletion()
            if !heldInput.isEmpty { requestServer(.request) }
        case (.success(let server), .request):
            prepare(server, for: client)
        }
    }

    /// Brings the server connection's settings to the client's (`SessionSettings` decides what that
    /// takes), then links it.
    private func prepare(_ server: ServerConnection, for client: AuthenticatedClient) {
        let profile = settingsProfile
        guard let sql = SessionSettings.statements(from: server.settings, to: profile) else { return link(server) }
        state = .preparingServer(server)
        // Until the statements succeed, nobody knows what the connection holds.
        server.settings = .unknown
        server.runInternalQuery(sql).hop(to: eventLoop).whenComplete { [self] result in
            switch result {
            case .success(let outcome):
                if outcome.error == nil { server.settings = SessionSettings.state(after: profile) }
                guard case .preparingServer = state else {
                    return shared.pools.release(server, resetQuery: resetQuery(after: server))
                }
                if let error = outcome.error {
                    shared.pools.release(server, resetQuery: shared.configuration.serverResetQuery.nilIfEmpty)
                    logger.warning(
                        "a setting the client sent at startup was refused by the server",
                        metadata: ["sqlstate": "\(error.sqlState?.code ?? "")", "error": "\(error.message ?? "")"])
                    return sendErrorAndClose(error.withSeverity("FATAL"))
                }
                link(server)
            case .failure:
                shared.pools.discard(server)
                sendErrorAndClose(Self.serverLost)
            }
        }
    }

    /// From now on bytes flow both ways between the client and `server`.
    private func link(_ server: ServerConnection) {
        guard let context else { return }
        let now = NIODeadline.now()
        if let waitedSince {
            serverWait = UInt64((now - waitedSince).nanoseconds)
            self.waitedSince = nil
        }
        meter.serverAssigned(waitNanoseconds: serverRequestedAt.map { (now - $0).nanoseconds } ?? 0)
        serverRequestedAt = nil
        if let cancelRoute, let serverKey = server.backendKey {
            cancelRoute.update(CancelTarget(address: server.remoteAddress, key: serverKey))
        }
        server.link(to: self)
        state = .linked(server)
        linkedParameters = server.parameters
        // What the client was told may differ from this connection's values (after the SETs, or another
        // client's settings on it).
        // Connections with equal parameters share one dictionary (`ParameterSetInterner`), and so does
        // `announcedParameters` once assigned: the comparison is usually one pointer comparison.
        let parameters = server.parameters
        let parametersChanged = parameters != announcedParameters
        if parametersChanged {
            let changed = parameters.filter { announcedParameters[$0.key] != $0.value }.sorted { $0.key < $1.key }
            write(changed.map { .parameterStatus(name: $0.key, value: $0.value) }, flush: false)
            announce(parameters)
        } else {
            // The same values: keep the connection's copy, so that the next comparison is immediate.
            announcedParameters = parameters
        }
        if !context.channel.isWritable {
            server.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
        for index in heldInput.indices {
            guard case .linked = state else { break }
            forwardToServer(&heldInput[index], server: server)
        }
        heldInput.removeAll(keepingCapacity: true)
        server.flush()
        // Only ParameterStatus messages were written toward the client here.
        if parametersChanged { context.flush() }
    }

    /// AuthenticationOk, the parameters, the cancel key and the first ReadyForQuery.
    private func sendLoginCompletion() {
        joinSweeper()
        var messages: [BackendMessage] = [.authentication(.ok)]
        for (name, value) in announcedParameters.sorted(by: { $0.key < $1.key }) {
            messages.append(.parameterStatus(name: name, value: value))
        }
        if let cancelRoute { messages.append(.backendKeyData(cancelRoute.key)) }
        messages.append(.readyForQuery(.idle))
        write(messages, flush: true)
    }

    /// From now on this loop's sweeper looks at the session's time limits (when any is configured).
    private func joinSweeper() {
        guard sweeper == nil, !shared.sweepers.isEmpty else { return }
        sweeper = shared.sweepers[loopIndex]
        sweeper?.add(self)
    }

    /// What the client is told (or was just told) of the server's parameters.
    private func announce(_ parameters: [String: String]) {
        announcedParameters = parameters
        standardConformingStrings = parameters["standard_conforming_strings"] != "off"
    }

    /// The pool's parameters with the client's own settings in place of the server's defaults.
    private static func announced(_ defaults: [String: String], settings: [StartupParameter]) -> [String: String] {
        var parameters = defaults
        for setting in settings {
            if let name = defaults.keys.first(where: { $0.lowercased() == setting.name.lowercased() }) {
                parameters[name] = setting.value
            }
        }
        return parameters
    }

    // MARK: Forwarding

    private func forwardToServer(_ input: inout ByteBuffer, server: ServerConnection) {
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
    private func recordSessionState() {
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
        if traffic.tracker?.finished.isEmpty == false { sendStatementEvents() }
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

    // MARK: Shutting down

    /// Whether pglens asked this session to end once its transaction is over.
    private var draining = false

    func drain() {
        draining = true
        endIfBetweenTransactions()
    }

    /// Ends a draining session that has no transaction open and no request in flight.
    private func endIfBetweenTransactions() {
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

    private static let shuttingDown = ErrorFields(
        severity: "FATAL", sqlState: .adminShutdown,
        message: "terminating connection because pglens is shutting down",
        hint: "Reconnect: another pglens instance, or this one once it is back, will serve you.")

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
    private func sendStatementEvents() {
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
            serverWait = 0
            _ = analysis.offer(event)
        }
    }

    /// Under transaction pooling, gives the server connection back once the transaction is over and the
    /// server owes nothing.
    private func releaseIfAtRest(_ server: ServerConnection) {
        guard traffic.transactionPooling, traffic.transactionStatus == .idle, traffic.isAtRest else { return }
        if traffic.takeSettingsReset() { server.settings = .defaults }
        if server.parameters != linkedParameters {
            // A reported setting changed by a statement pglens could not read (a function, a DO block
            // it could not see into): the connection is not what the next client expects.
            server.settings = .unknown
            if traffic.sessionStatePolicy == .pin {
                traffic.pin()
                logger.info(
                    "the server reported a changed setting under pool_mode = transaction; the client keeps its server connection",
                    metadata: ["client": "c\(clientID)"])
                return
            }
        }
        state = .idle
        cancelRoute?.update(nil)
        let pools = shared.pools
        server.unlink { pools.release(server, resetQuery: nil) }
        // No read-complete will come from a connection no longer linked: flush the answer now.
        context?.flush()
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

    // MARK: Admin console

    /// A client logged in to the virtual database `pglens` / `pgbouncer`: users of `admin_users` and
    /// `stats_users` get the console, anyone else is refused, as PgBouncer does.
    private func startConsole(_ client: AuthenticatedClient) {
        guard let context else { return }
        guard let role = AdminRole(user: client.user, configuration: shared.currentConfiguration) else {
            return sendErrorAndClose(
                ErrorFields(
                    severity: "FATAL", sqlState: .invalidAuthorizationSpecification,
                    message: "pglens: not allowed",
                    detail: "Only admin_users and stats_users may log in to the admin console."))
        }
        self.client = client
        clientID = shared.clientIDs.wrappingAdd(1, ordering: .relaxed).newValue
        shared.clients.add(self, id: clientID, database: client.database)
        registered = true
        state = .console
        do {
            try context.pipeline.syncOperations.addHandler(
                AdminConsoleHandler(console: AdminConsole(shared: shared), role: role), position: .after(self))
        } catch {
            return close()
        }
        announce([
            "server_version": "1.25.0/pglens", "server_encoding": "UTF8", "client_encoding": "UTF8",
            "DateStyle": "ISO", "standard_conforming_strings": "on", "integer_datetimes": "on",
            "application_name": client.applicationName,
        ])
        sendLoginCompletion()
        let held = heldInput
        heldInput = []
        for bytes in held { context.fireChannelRead(NIOAny(bytes)) }
    }

    /// What SHOW CLIENTS lists about this session; nil before login and after it ended.
    func snapshot() -> ConnectionSnapshot? {
        guard let client else { return nil }
        var linkedServer: Int?
        var waitMicroseconds: UInt64 = 0
        let snapshotState: ConnectionSnapshot.State
        switch state {
        case .startup, .authenticating, .closed:
            return nil
        case .idle:
            snapshotState = .idle
        case .waitingForServer:
            snapshotState = .waiting
            if let serverRequestedAt {
                waitMicroseconds = UInt64(max(0, (NIODeadline.now() - serverRequestedAt).nanoseconds) / 1000)
            }
        case .preparingServer(let server), .linked(let server):
            snapshotState = .active
            linkedServer = server.id
        case .console:
            snapshotState = .active
        }
        let remote = context?.channel.remoteAddress
        let local = context?.channel.localAddress
        let requestTime = meter.lastRequestAt.map { deadline in
            shared.clockAnchor.wall.addingTimeInterval(
                Double(Int64(deadline.uptimeNanoseconds) - Int64(shared.clockAnchor.monotonic.uptimeNanoseconds)) / 1e9)
        }
        return ConnectionSnapshot(
            id: clientID, user: client.user, database: client.database, state: snapshotState,
            address: remote?.ipAddress ?? "", port: remote?.port ?? 0, localAddress: local?.ipAddress ?? "",
            localPort: local?.port ?? 0, connectTime: connectedAt, requestTime: requestTime,
            waitMicroseconds: waitMicroseconds, linkedServerID: linkedServer,
            tls: tlsHandler?.connection.negotiatedProtocolVersion ?? "", applicationName: client.applicationName,
            preparedStatements: traffic.router.registry.count)
    }

    /// Ends the session from the admin console (KILL, KILL_CLIENT).
    func kill(_ message: String) {
        if case .linked(let server) = state {
            // What the server was doing for the client is abandoned: the connection cannot be reused.
            state = .closed
            shared.pools.discard(server)
        }
        sendErrorAndClose(ErrorFields(severity: "FATAL", sqlState: .adminShutdown, message: message))
    }

    // MARK: Ending

    /// The reset query to run before `server` serves another client: none under transaction pooling, where
    /// no session state is left behind.
    private func resetQuery(after server: ServerConnection) -> String? {
        traffic.transactionPooling && !traffic.pinned ? nil : shared.configuration.serverResetQuery.nilIfEmpty
    }

    /// The client is gone (Terminate or a closed socket): give back or close what it held.
    private func clientLeft() {
        let previous = state
        state = .closed
        sweeper?.remove(self)
        sweeper = nil
        if registered {
            registered = false
            shared.clients.remove(id: clientID)
        }
        if let cancelRoute { shared.cancels.remove(cancelRoute.key) }
        switch previous {
        case .waitingForServer(_, let waiter):
            if let poolKey { _ = shared.pools.cancelWait(key: poolKey, waiter: waiter) }
        case .linked(let server):
            let resetQuery = resetQuery(after: server)
            if resetQuery == nil {
                if traffic.takeSettingsReset() { server.settings = .defaults }
                // Given back as it is: what the client set stays unless pglens followed all of it.
                if !traffic.transactionPooling || traffic.pinned || server.parameters != linkedParameters {
                    server.settings = .unknown
                }
            }
            let reusable = traffic.leavesServerReusable
            let status = traffic.transactionStatus
            let pools = shared.pools
            server.unlink {
                guard reusable else { return pools.discard(server) }
                switch status {
                case .idle:
                    pools.release(server, resetQuery: resetQuery)
                case .inTransaction, .failed:
                    // Never leave an open transaction on a pooled connection.
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

    private func close() {
        clientLeft()
        context?.close(promise: nil)
    }

    private func sendErrorAndClose(_ error: ErrorFields) {
        guard let context, context.channel.isActive else { return clientLeft() }
        var buffer = context.channel.allocator.buffer(capacity: 128)
        BackendMessage.errorResponse(error).encode(into: &buffer)
        clientLeft()
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }

    private func write(_ messages: [BackendMessage], flush: Bool) {
        guard let context, !messages.isEmpty else { return }
        var buffer = context.channel.allocator.buffer(capacity: 256)
        for message in messages { message.encode(into: &buffer) }
        if flush {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        } else {
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
    }

    private static let serverLost = ErrorFields(
        severity: "FATAL", sqlState: .connectionFailure,
        message: "pglens: the server connection was lost",
        detail: "The PostgreSQL server closed the connection or stopped answering.")
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
