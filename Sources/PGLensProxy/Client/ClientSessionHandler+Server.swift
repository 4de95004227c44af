import Foundation
import Logging
import NIOCore
import PGLensAnalysis
import PGLensConfig
import PGLensTLS
import PGWire

/// Getting a server connection: the pool's queue, the client's settings, linking, and what the client is told of the server's parameters.
extension ClientSessionHandler {
    /// The client sent a request while holding no server connection.
    func requestArrived(_ input: ByteBuffer) {
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

    func requestServer(_ request: ServerRequest) {
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

    func waitTimedOut(key: PoolKey, waiter: Int) {
        guard case .waitingForServer(let request, _) = state, shared.pools.cancelWait(key: key, waiter: waiter)
        else { return }
        let seconds = shared.configuration.queryWaitTimeout
        var error = ErrorFields(
            severity: "ERROR", sqlState: .tooManyConnections,
            message: "pglens: no server connection became free within query_wait_timeout (\(seconds) s)",
            hint: "The pool for \(key) is full; raise pool_size or lower the load.")
        if let failure = shared.pools.unreachableFailure(key: key) {
            error = ErrorFields(
                severity: "ERROR", sqlState: failure.error.sqlState ?? .sqlclientUnableToEstablishSQLConnection,
                message: "pglens: the server did not accept a connection within query_wait_timeout (\(seconds) s); "
                    + "the last attempt: \(failure.error.message ?? "failed")",
                hint: "pglens keeps retrying; check that PostgreSQL is running and reachable from pglens.")
        }
        switch request {
        case .login:
            sendErrorAndClose(error.withSeverity("FATAL"))
        case .request:
            failHeldRequests(error)
        }
    }

    /// Answers every request the client sent while it waited with `error`, as PostgreSQL answers failed
    /// requests, and returns the session to idle. The client stays logged in.
    func failHeldRequests(_ error: ErrorFields) {
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
    func rejectRequests(_ input: inout ByteBuffer) {
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

    func serverAcquired(_ result: Result<ServerConnection, ServerConnector.Failure>) {
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
    func prepare(_ server: ServerConnection, for client: AuthenticatedClient) {
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
    func link(_ server: ServerConnection) {
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
    func sendLoginCompletion() {
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
    func joinSweeper() {
        guard sweeper == nil, !shared.sweepers.isEmpty else { return }
        sweeper = shared.sweepers[loopIndex]
        sweeper?.add(self)
    }

    /// What the client is told (or was just told) of the server's parameters.
    func announce(_ parameters: [String: String]) {
        announcedParameters = parameters
        standardConformingStrings = parameters["standard_conforming_strings"] != "off"
    }

    /// The pool's parameters with the client's own settings in place of the server's defaults.
    static func announced(_ defaults: [String: String], settings: [StartupParameter]) -> [String: String] {
        var parameters = defaults
        for setting in settings {
            if let name = defaults.keys.first(where: { $0.lowercased() == setting.name.lowercased() }) {
                parameters[name] = setting.value
            }
        }
        return parameters
    }
}
