import Foundation
import Logging
import NIOCore
import PGLensAnalysis
import PGLensConfig
import PGLensTLS
import PGWire

/// Startup and login: the startup packet, TLS, authentication, and the login completion.
extension ClientSessionHandler {
    // MARK: Startup and login

    func readStartup(_ input: inout ByteBuffer) {
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

    func readAuthentication(_ input: inout ByteBuffer) {
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

    var isAuthenticating: Bool {
        if case .authenticating = state { return true }
        return false
    }

    func perform(_ action: ClientStartupMachine.Action) {
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
    func acceptEncryption(context: ChannelHandlerContext, direct: Bool = false) {
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

    func authenticated(_ client: AuthenticatedClient) {
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
            lineageArming: shared.analysis?.configuration.lineageArming,
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
}
