import NIOCore
import PGWire

/// The bytes between a client and the server connection it holds: framed, rewritten where transaction
/// pooling needs it, and watched for the moment the connection may be given back.
///
/// Under session pooling the server's bytes pass as they were read, in one piece per read, and only
/// ReadyForQuery and ParameterStatus are looked at. Under transaction pooling every Parse, Bind,
/// Describe and Close goes through the `StatementRouter`, and the server's answers are passed on message
/// run by message run so that the answers to pglens's own Parse and Close can be left out.
///
/// I/O-free: the caller hands in bytes and the server connection's statement cache and parameters, and
/// receives what to send through `emit`.
struct LinkTraffic: Sendable {
    /// What the client's bytes asked for besides forwarding.
    enum ClientOutcome: Equatable {
        case forwarded
        /// The client sent Terminate: everything before it was forwarded.
        case terminated
    }

    let transactionPooling: Bool
    private var clientScanner: MessageScanner
    private var serverScanner: MessageScanner
    private(set) var pending = PendingResponses()
    private(set) var router = StatementRouter()
    /// The status of the last ReadyForQuery.
    private(set) var transactionStatus: TransactionStatus = .idle

    /// Message types after which the server holds unsynced extended-protocol state.
    private static let extendedTypes = MessageTypeSet(
        [
            FrontendMessageID.parse, .bind, .describe, .execute, .close, .flush,
        ].map(\.rawValue))

    init(transactionPooling: Bool, maxPacketSize: Int) {
        self.transactionPooling = transactionPooling
        var clientWatched: MessageTypeSet = [FrontendMessageID.terminate.rawValue]
        var serverWatched: MessageTypeSet = [
            BackendMessageID.readyForQuery.rawValue, BackendMessageID.parameterStatus.rawValue,
        ]
        if transactionPooling {
            for id in [FrontendMessageID.parse, .bind, .describe, .close] { clientWatched.insert(id.rawValue) }
            for id in [BackendMessageID.parseComplete, .closeComplete, .errorResponse] {
                serverWatched.insert(id.rawValue)
            }
        }
        clientScanner = MessageScanner(
            watched: clientWatched,
            counted: MessageTypeSet(
                [FrontendMessageID.query, .sync, .functionCall].map(\.rawValue)),
            maxMessageLength: maxPacketSize)
        serverScanner = MessageScanner(watched: serverWatched, maxMessageLength: Int(Int32.max))
    }

    /// Nothing is owed and nothing half-sent: under transaction pooling the server connection can go back
    /// to the pool (if the session is not in a transaction block).
    var isAtRest: Bool {
        pending.isEmpty && !Self.extendedTypes.contains(clientScanner.lastType)
            && !clientScanner.hasPartialMessage && !serverScanner.hasPartialMessage
    }

    /// Whether the server connection can be given to another client once the session ends, as far as the
    /// protocol goes (nothing owed, nothing half-sent).
    var leavesServerReusable: Bool { isAtRest }

    // MARK: Client to server

    /// Frames the client's bytes and passes them to `emit`, renaming statements under transaction pooling.
    mutating func clientBytes(
        _ input: inout ByteBuffer, statements: inout ServerStatementCache, emit: (ByteBuffer) -> Void
    ) throws -> ClientOutcome {
        defer { pending.sentRequests(takeRequestCount()) }
        while let event = try clientScanner.next(&input) {
            switch event {
            case .forward(let bytes):
                emit(bytes)
            case .message(let type, let frame):
                pending.sentRequests(takeRequestCount())
                if type == FrontendMessageID.terminate.rawValue { return .terminated }
                switch try router.route(type: type, frame: frame, cache: &statements, pending: &pending) {
                case .forward:
                    emit(frame)
                case .send(let frames):
                    for frame in frames { emit(frame) }
                }
            }
        }
        return .forwarded
    }

    private mutating func takeRequestCount() -> Int {
        clientScanner.takeCount(of: FrontendMessageID.query.rawValue)
            + clientScanner.takeCount(of: FrontendMessageID.sync.rawValue)
            + clientScanner.takeCount(of: FrontendMessageID.functionCall.rawValue)
    }

    // MARK: Server to client

    /// What one read from the server means besides the bytes for the client.
    struct ServerOutcome: Equatable {
        /// A ReadyForQuery arrived.
        var readyForQuery = false
    }

    /// Passes the server's bytes to `emit` (under session pooling, `bytes` itself in one piece), keeping
    /// the connection's parameters and statement cache current.
    mutating func serverBytes(
        _ bytes: ByteBuffer, statements: inout ServerStatementCache, parameters: inout [String: String],
        emit: (ByteBuffer) -> Void
    ) throws -> ServerOutcome {
        var outcome = ServerOutcome()
        var input = bytes
        if !transactionPooling {
            emit(bytes)
            while let event = try serverScanner.next(&input) {
                guard case .message(let type, let frame) = event else { continue }
                try observe(
                    type: type, frame: frame, statements: &statements, parameters: &parameters, outcome: &outcome)
            }
            return outcome
        }
        while let event = try serverScanner.next(&input) {
            switch event {
            case .forward(let run):
                emit(run)
            case .message(let type, let frame):
                switch BackendMessageID(rawValue: type) {
                case .parseComplete:
                    if pending.parseCompleted() == .swallow { continue }
                case .closeComplete:
                    if pending.closeCompleted() == .swallow { continue }
                case .errorResponse:
                    for lost in pending.errorReceived() { router.parseLost(lost, cache: &statements) }
                default:
                    try observe(
                        type: type, frame: frame, statements: &statements, parameters: &parameters, outcome: &outcome)
                }
                emit(frame)
            }
        }
        return outcome
    }

    private mutating func observe(
        type: UInt8, frame: ByteBuffer, statements: inout ServerStatementCache, parameters: inout [String: String],
        outcome: inout ServerOutcome
    ) throws {
        if type == BackendMessageID.readyForQuery.rawValue {
            let status = frame.getInteger(at: frame.readerIndex + MessageScanner.headerLength, as: UInt8.self)
            transactionStatus = status.flatMap(TransactionStatus.init(rawValue:)) ?? transactionStatus
            for lost in pending.readyForQuery() { router.parseLost(lost, cache: &statements) }
            outcome.readyForQuery = true
        } else if case .parameterStatus(let name, let value) = try BackendMessage.decode(frame: frame) {
            parameters[name] = value
        }
    }
}
