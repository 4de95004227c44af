import Foundation
import Logging
import NIOCore
import PGWire

/// One logged-in connection to PostgreSQL.
///
/// It lives on the event loop of its channel. While a client session holds it, bytes from the server go
/// to the session (on the session's loop) unchanged, and the session writes to it with `send` and
/// `flush`. While it sits in the pool it runs pglens's own queries (the reset query, `SET`s).
final class ServerConnection: @unchecked Sendable {
    /// The pool's id for this connection.
    let id: Int
    let key: PoolKey
    let channel: any Channel
    var eventLoop: any EventLoop { channel.eventLoop }
    /// Where the server is, for cancel requests.
    let remoteAddress: SocketAddress
    /// The server's own cancel key.
    let backendKey: CancelKey?
    /// What the server reported with ParameterStatus during login (its defaults for this database and user).
    let loginParameters: [String: String]
    /// The loop index in the proxy's group, for the pool's preference of local connections.
    let loopIndex: Int
    /// When the connection was logged in (SHOW SERVERS).
    let connectedAt = Date()

    private enum Mode {
        case idle
        case linked(any ServerConnectionOwner, sameLoop: Bool)
        case internalQuery(InternalQueryRun)
        case closed
    }

    private struct InternalQueryRun {
        var scanner: MessageScanner
        /// Closes the connection if the server has not answered within `internalQueryTimeout`.
        var deadline: Scheduled<Void>?
        var error: ErrorFields?
        var promise: EventLoopPromise<InternalQueryResult>
        /// Rows kept (as text), at most `InternalQueryResult.maximumRows`.
        var rows: [[String?]] = []
    }

    // Confined to `eventLoop`.
    private var mode: Mode = .idle
    /// What the server reported with ParameterStatus, kept current. Read and written by whoever holds the
    /// connection: the linked client session, or pglens's own query while it runs (its future's completion
    /// hands the value back).
    var parameters: [String: String]
    /// The statements pglens prepared on this connection under transaction pooling. Used by whoever holds
    /// the connection; the pool hands it over under its lock.
    var statements = ServerStatementCache(capacity: 200)
    /// The session settings on the connection, as far as pglens knows (`SessionSettings` decides from it
    /// what a client needs before it gets the connection). Used by whoever holds the connection.
    var settings: ServerSettingsState = .defaults
    /// Reads that arrived for an owner on another loop, handed over at read-complete.
    private var pendingReads: [ByteBuffer] = []

    // Confined to the linked owner's loop: writes toward the server from another loop, batched.
    private var pendingWrites: [ByteBuffer] = []
    private var ownerOnSameLoop = true

    private let logger: Logger
    /// How long pglens's own queries (reset, check, the client's settings, auth_query) may go unanswered
    /// before the connection is closed (`server_connect_timeout`): a backend that stopped answering must
    /// not hold a pool slot, or a client, for ever. Nil: no limit.
    private let internalQueryTimeout: TimeAmount?

    init(
        id: Int, key: PoolKey, channel: any Channel, remoteAddress: SocketAddress, backendKey: CancelKey?,
        parameters: [String: String], loopIndex: Int, internalQueryTimeout: TimeAmount? = nil, logger: Logger
    ) {
        self.id = id
        self.key = key
        self.channel = channel
        self.remoteAddress = remoteAddress
        self.backendKey = backendKey
        let parameters = ParameterSetInterner.shared.intern(parameters)
        self.parameters = parameters
        self.loginParameters = parameters
        self.loopIndex = loopIndex
        self.internalQueryTimeout = internalQueryTimeout
        self.logger = logger
    }

    // MARK: Linking (called on the owner's loop)

    /// Hands the connection to `owner`. Bytes the server sends from now on go to it.
    func link(to owner: any ServerConnectionOwner) {
        let sameLoop = owner.eventLoop === eventLoop
        ownerOnSameLoop = sameLoop
        if sameLoop {
            linkOnOwnLoop(owner, sameLoop: true)
        } else {
            eventLoop.execute { self.linkOnOwnLoop(owner, sameLoop: false) }
        }
    }

    /// Links, unless the channel closed in the meantime: then the owner is told, once it is done linking.
    private func linkOnOwnLoop(_ owner: any ServerConnectionOwner, sameLoop: Bool) {
        guard case .closed = mode else {
            mode = .linked(owner, sameLoop: sameLoop)
            return
        }
        owner.eventLoop.execute { owner.serverConnectionDidClose(self) }
    }

    /// Takes the connection back from its owner. Called on the owner's loop, after the last request's
    /// answer arrived; `done` runs once the connection no longer delivers to the owner (at once when both
    /// are on the same loop, else on the connection's loop).
    func unlink(then done: @escaping @Sendable () -> Void) {
        flush()
        if ownerOnSameLoop {
            if case .linked = mode { mode = .idle }
            done()
            return
        }
        eventLoop.execute {
            if case .linked = self.mode { self.mode = .idle }
            done()
        }
    }

    /// Writes toward the server. Called on the linked owner's loop.
    func send(_ bytes: ByteBuffer) {
        if ownerOnSameLoop {
            channel.write(bytes, promise: nil)
        } else {
            pendingWrites.append(bytes)
        }
    }

    /// Sends what `send` queued. Called on the linked owner's loop.
    func flush() {
        if ownerOnSameLoop {
            channel.flush()
            return
        }
        guard !pendingWrites.isEmpty else { return }
        let writes = pendingWrites
        pendingWrites.removeAll(keepingCapacity: true)
        let channel = self.channel
        eventLoop.execute {
            for write in writes { channel.write(write, promise: nil) }
            channel.flush()
        }
    }

    // MARK: Internal queries (called on `eventLoop`)

    /// Runs a query of pglens's own and collects its outcome and its first rows, as text. Without
    /// `parameters` it is sent as a simple Query (several statements allowed); with them, as one
    /// Parse / Bind / Execute / Sync with the parameters in text format, so that no value is ever spliced
    /// into SQL text.
    func runInternalQuery(_ sql: String, parameters: [String?] = []) -> EventLoopFuture<InternalQueryResult> {
        eventLoop.flatSubmit {
            let promise = self.eventLoop.makePromise(of: InternalQueryResult.self)
            switch self.mode {
            case .idle:
                let scanner = MessageScanner(
                    watched: .everyType, counted: MessageTypeSet(), maxMessageLength: Int(Int32.max))
                let deadline = self.internalQueryTimeout.map { limit in
                    self.eventLoop.scheduleTask(in: limit) {
                        self.logger.info(
                            "pglens's own query got no answer within server_connect_timeout: closing the connection",
                            metadata: ["server": "\(self.id)"])
                        self.channel.close(promise: nil)
                    }
                }
                self.mode = .internalQuery(
                    InternalQueryRun(scanner: scanner, deadline: deadline, error: nil, promise: promise))
                var buffer = self.channel.allocator.buffer(capacity: sql.utf8.count + 64)
                if parameters.isEmpty {
                    FrontendMessage.query(sql).encode(into: &buffer)
                } else {
                    let values = parameters.map { $0.map { ByteBuffer(string: $0) } }
                    FrontendMessage.parse(name: "", query: sql, parameterTypes: []).encode(into: &buffer)
                    FrontendMessage.bind(BindMessage(parameters: values)).encode(into: &buffer)
                    FrontendMessage.execute(portal: "", maxRows: 0).encode(into: &buffer)
                    FrontendMessage.sync.encode(into: &buffer)
                }
                self.channel.writeAndFlush(buffer, promise: nil)
            case .linked, .internalQuery, .closed:
                promise.fail(ServerConnectionError.notIdle)
            }
            return promise.futureResult
        }
    }

    /// Closes the connection, politely (Terminate first).
    func close() {
        eventLoop.execute {
            guard self.channel.isActive else { return }
            var buffer = self.channel.allocator.buffer(capacity: 5)
            FrontendMessage.terminate.encode(into: &buffer)
            self.channel.writeAndFlush(buffer).whenComplete { _ in self.channel.close(promise: nil) }
        }
    }

    // MARK: Channel events (on `eventLoop`, from ServerConnectionHandler)

    func channelRead(_ bytes: ByteBuffer) {
        switch mode {
        case .linked(let owner, let sameLoop):
            if sameLoop {
                owner.serverConnection(self, didRead: bytes)
            } else {
                pendingReads.append(bytes)
            }
        case .internalQuery(var run):
            var input = bytes
            mode = .idle
            do {
                while let event = try run.scanner.next(&input) {
                    guard case .message(let type, var frame) = event else { continue }
                    frame.moveReaderIndex(forwardBy: 5)
                    let message = try BackendMessage.decode(type: type, body: frame)
                    switch message {
                    case .errorResponse(let fields):
                        if run.error == nil { run.error = fields }
                    case .parameterStatus(let name, let value):
                        if parameters[name] != value {
                            parameters[name] = value
                            parametersChanged()
                        }
                    case .dataRow(let values) where run.rows.count < InternalQueryResult.maximumRows:
                        run.rows.append(values.map { $0.map { String(decoding: $0.readableBytesView, as: UTF8.self) } })
                    case .readyForQuery(let status):
                        run.deadline?.cancel()
                        run.promise.succeed(
                            InternalQueryResult(error: run.error, transactionStatus: status, rows: run.rows))
                        return
                    default:
                        break
                    }
                }
                mode = .internalQuery(run)
            } catch {
                run.deadline?.cancel()
                run.promise.fail(error)
                channel.close(promise: nil)
            }
        case .idle:
            // A server talking while idle is shutting down (FATAL 57P01) or broken: drop it.
            logger.debug("idle server connection sent data; closing it", metadata: ["server": "\(id)"])
            channel.close(promise: nil)
        case .closed:
            break
        }
    }

    func channelReadComplete() {
        guard case .linked(let owner, let sameLoop) = mode else { return }
        if sameLoop {
            owner.serverConnectionDidReadComplete(self)
            return
        }
        let reads = pendingReads
        pendingReads.removeAll(keepingCapacity: true)
        owner.eventLoop.execute {
            for read in reads { owner.serverConnection(self, didRead: read) }
            owner.serverConnectionDidReadComplete(self)
        }
    }

    func channelWritabilityChanged(isWritable: Bool) {
        guard case .linked(let owner, let sameLoop) = mode else { return }
        if sameLoop {
            owner.serverConnectionWritabilityChanged(self, isWritable: isWritable)
        } else {
            owner.eventLoop.execute { owner.serverConnectionWritabilityChanged(self, isWritable: isWritable) }
        }
    }

    func channelInactive() {
        let previous = mode
        mode = .closed
        switch previous {
        case .linked(let owner, let sameLoop):
            if sameLoop {
                owner.serverConnectionDidClose(self)
            } else {
                let reads = pendingReads
                pendingReads = []
                owner.eventLoop.execute {
                    for read in reads { owner.serverConnection(self, didRead: read) }
                    owner.serverConnectionDidClose(self)
                }
            }
        case .internalQuery(let run):
            run.deadline?.cancel()
            run.promise.fail(ServerConnectionError.closed)
        case .idle, .closed:
            break
        }
        onClose?(self)
    }

    /// Told when the channel closes, whatever the mode (the pool uses it to forget the connection).
    var onClose: (@Sendable (ServerConnection) -> Void)?

    /// Call after `parameters` changed: equal sets of parameters share one copy, so that comparing them
    /// costs nothing (see `ParameterSetInterner`). By whoever holds the connection.
    func parametersChanged() {
        parameters = ParameterSetInterner.shared.intern(parameters)
    }
}

enum ServerConnectionError: Error {
    case notIdle
    case closed
}
