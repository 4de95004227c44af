import Logging
import NIOCore
import NIOPosix
import PGLensConfig
import PGWire

/// Opens and logs in server connections, encrypted as `server_tls_sslmode` says.
struct ServerConnector: Sendable {
    /// Where and as whom to connect for one pool.
    struct Target: Sendable {
        var host: String
        var port: Int
        var database: String
        var user: String
        var credential: ServerCredential
        var connectTimeout: TimeAmount
    }

    /// Why no connection could be had; `error` is what the waiting client is told.
    struct Failure: Error {
        var error: ErrorFields
    }

    let logger: Logger
    /// `server_tls_sslmode`.
    var tlsMode: ServerTLSMode = .disable
    /// Where the client-role TLS context is taken from, fresh for each connection (it may be reloaded).
    var tlsContexts = TLSContextStore(.init())

    /// Opens a connection to `target` and logs in. With `retryingOverTLS`, this is `allow`'s second
    /// attempt, made when the server refused a plain login: TLS or nothing.
    func connect(
        id: Int, key: PoolKey, target: Target, on eventLoop: any EventLoop, loopIndex: Int,
        retryingOverTLS: Bool = false
    ) -> EventLoopFuture<ServerConnection> {
        let loginPromise = eventLoop.makePromise(of: ServerLoginHandler.Outcome.self)
        let startup = StartupMessage(parameters: [
            StartupParameter(name: "user", value: target.user),
            StartupParameter(name: "database", value: target.database),
        ])
        let machine = ServerLoginMachine(user: target.user, credential: target.credential)
        let encryption = ServerLoginHandler.Encryption(
            negotiation: ServerTLSNegotiation(
                mode: tlsMode, retryingOverTLS: retryingOverTLS, server: "\(target.host):\(target.port)"),
            context: tlsContexts.server, host: target.host, bindsChannel: tlsMode.verifiesCertificate)
        let loginHandler = ServerLoginHandler(
            startup: startup, machine: machine, encryption: encryption, promise: loginPromise, logger: logger)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .connectTimeout(target.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(loginHandler)
                }
            }
        let logger = self.logger
        let deadline = eventLoop.scheduleTask(in: target.connectTimeout) {
            loginHandler.timeOut(
                ErrorFields(
                    severity: "FATAL", sqlState: .connectionFailure,
                    message: "pglens: server login timed out after \(target.connectTimeout.seconds) s"))
        }
        return bootstrap.connect(host: target.host, port: target.port)
            .flatMapError { error in
                deadline.cancel()
                let failure = Failure(
                    error: ErrorFields(
                        severity: "FATAL", sqlState: .sqlclientUnableToEstablishSQLConnection,
                        message: "pglens: could not connect to server \(target.host):\(target.port): \(error)"))
                // The login handler never saw the channel become active: its promise must still be completed.
                loginHandler.connectFailed(failure.error)
                return eventLoop.makeFailedFuture(failure)
            }
            .flatMap { channel in
                loginPromise.futureResult.flatMap { outcome -> EventLoopFuture<ServerConnection> in
                    deadline.cancel()
                    guard case .refusedWithoutTLS = outcome else {
                        return eventLoop.makeCompletedFuture {
                            try Self.established(
                                channel, outcome, loginHandler, id, key, loopIndex, target.connectTimeout, logger)
                        }
                    }
                    channel.close(promise: nil)
                    return connect(
                        id: id, key: key, target: target, on: eventLoop, loopIndex: loopIndex,
                        retryingOverTLS: true)
                }
            }
    }

    /// The server connection once the login handler is done, or the failure the client is told.
    private static func established(
        _ channel: any Channel, _ outcome: ServerLoginHandler.Outcome, _ loginHandler: ServerLoginHandler,
        _ id: Int, _ key: PoolKey, _ loopIndex: Int, _ internalQueryTimeout: TimeAmount, _ logger: Logger
    ) throws -> ServerConnection {
        switch outcome {
        case .failed(let error), .refusedWithoutTLS(let error):
            channel.close(promise: nil)
            throw Failure(error: error)
        case .loggedIn(let parameters, let backendKey):
            guard let remoteAddress = channel.remoteAddress else {
                channel.close(promise: nil)
                throw Failure(
                    error: ErrorFields(
                        severity: "FATAL", sqlState: .connectionFailure,
                        message: "pglens: the server connection has no peer address"))
            }
            let connection = ServerConnection(
                id: id, key: key, channel: channel, remoteAddress: remoteAddress,
                backendKey: backendKey, parameters: parameters, loopIndex: loopIndex,
                internalQueryTimeout: internalQueryTimeout, logger: logger)
            let sync = channel.pipeline.syncOperations
            sync.removeHandler(loginHandler, promise: nil)
            try sync.addHandler(ServerConnectionHandler(connection: connection))
            return connection
        }
    }
}

extension TimeAmount {
    fileprivate var seconds: Double { Double(nanoseconds) / 1e9 }
}
