import NIOCore
import PGLensAnalysis
import PGLensConfig
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
    /// What to do with statements that leave session state (transaction pooling only).
    let sessionStatePolicy: SessionStatePolicy
    private let detector = SessionStateDetector()
    /// The client keeps its server connection until it leaves: it left session state on it.
    private(set) var pinned = false
    /// Set by a client's `DISCARD ALL`, taken by `takeSettingsReset()`.
    private var settingsReset = false
    /// Statements seen leaving session state, with what was done, not yet taken by the caller.
    private(set) var sessionStateUses: [(use: SessionStateUse, action: SessionStatePolicy)] = []
    /// WARNING notices owed to the client (policy `warn`), sent before the next ReadyForQuery.
    private var warningsOwed = 0
    /// What the analysis sees of the traffic (statement timing, Bind value hashes, sampled rows), when
    /// analysis is on.
    private(set) var observer: StatementObserver?
    /// Whether statements finished since the last drain wait to be handed to the analysis.
    var hasFinishedStatements: Bool { observer?.tracker.finished.isEmpty == false }
    /// Whether the server scanner shows DataRows (for the observer's sampling).
    private var watchingDataRows = false
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

    init(
        transactionPooling: Bool, sessionStatePolicy: SessionStatePolicy = .pin, tracker: StatementTracker? = nil,
        lineageArming: LineageArming? = nil, maxPacketSize: Int
    ) {
        self.transactionPooling = transactionPooling
        self.sessionStatePolicy = sessionStatePolicy
        self.observer = tracker.map { StatementObserver(tracker: $0, arming: lineageArming) }
        var clientWatched: MessageTypeSet = [FrontendMessageID.terminate.rawValue]
        var serverWatched: MessageTypeSet = [
            BackendMessageID.readyForQuery.rawValue, BackendMessageID.parameterStatus.rawValue,
        ]
        if tracker != nil {
            for id in StatementObserver.clientTypes { clientWatched.insert(id.rawValue) }
            for id in StatementObserver.serverTypes { serverWatched.insert(id.rawValue) }
        }
        if transactionPooling {
            for id in [FrontendMessageID.parse, .bind, .describe, .close, .query] {
                clientWatched.insert(id.rawValue)
            }
            for id in [BackendMessageID.parseComplete, .closeComplete, .errorResponse] {
                serverWatched.insert(id.rawValue)
            }
        }
        clientScanner = MessageScanner(
            watched: clientWatched,
            counted: MessageTypeSet(
                [FrontendMessageID.query, .sync, .functionCall, .flush, .parse, .bind].map(\.rawValue)),
            maxMessageLength: maxPacketSize)
        serverScanner = MessageScanner(watched: serverWatched, maxMessageLength: Int(Int32.max))
    }

    /// Nothing is owed and nothing half-sent: under transaction pooling the server connection can go back
    /// to the pool (if the session is not in a transaction block and not pinned).
    var isAtRest: Bool {
        !pinned && pending.isEmpty && !Self.extendedTypes.contains(clientScanner.lastType)
            && !clientScanner.hasPartialMessage && !serverScanner.hasPartialMessage
    }

    /// Whether the server connection can be given to another client once the session ends, as far as the
    /// protocol goes (nothing owed, nothing half-sent).
    var leavesServerReusable: Bool {
        pending.isEmpty && !Self.extendedTypes.contains(clientScanner.lastType)
            && !clientScanner.hasPartialMessage && !serverScanner.hasPartialMessage
    }

    /// Keeps the server connection for the rest of the session (session state was found after the fact).
    mutating func pin() { pinned = true }

    /// Whether the client sent `DISCARD ALL` since the last call: the connection's settings are the
    /// defaults again.
    mutating func takeSettingsReset() -> Bool {
        defer { settingsReset = false }
        return settingsReset
    }

    /// Hands over the session-state statements seen since the last call.
    mutating func takeSessionStateUses() -> [(use: SessionStateUse, action: SessionStatePolicy)] {
        defer { sessionStateUses.removeAll() }
        return sessionStateUses
    }

    // MARK: Client to server

    /// Frames the client's bytes and passes them to `emit`, renaming statements under transaction pooling.
    mutating func clientBytes(
        _ input: inout ByteBuffer, statements: inout ServerStatementCache, emit: (ByteBuffer) -> Void
    ) throws -> ClientOutcome {
        let now = observer == nil ? NIODeadline.uptimeNanoseconds(0) : .now()
        defer {
            countRequests(at: now)
            updateDataRowWatch()
        }
        // Messages forwarded unchanged leave with the bytes around them, in one write.
        var gathered = AdjacentSlices(source: input)
        defer { gathered.flush(emit: emit) }
        while true {
            let from = input.readerIndex
            guard let event = try clientScanner.next(&input) else { break }
            let to = input.readerIndex
            switch event {
            case .forward(let bytes):
                gathered.add(bytes, consumedFrom: from, to: to, emit: emit)
            case .message(let type, let frame):
                countRequests(at: now)
                if type == FrontendMessageID.terminate.rawValue { return .terminated }
                // The SQL of a Query or Parse is decoded once, for whoever needs it.
                var message: FrontendMessage?
                if needsText(type: type, frame: frame) { message = try FrontendMessage.decode(frame: frame) }
                try observer?.client(
                    type: type, frame: frame, message: message, at: now, inTransaction: transactionStatus != .idle)
                var frame = frame
                if transactionPooling, let decoded = message {
                    switch try inspect(decoded, statements: &statements) {
                    case .none:
                        break
                    case .replace(let replacement):
                        frame = replacement
                        message = nil
                    case .send(let frames):
                        for frame in frames { gathered.addSeparately(frame, emit: emit) }
                        continue
                    }
                }
                guard transactionPooling else {
                    gathered.add(frame, consumedFrom: from, to: to, emit: emit)
                    continue
                }
                switch try router.route(
                    type: type, frame: frame, decoded: message, cache: &statements, pending: &pending)
                {
                case .forward:
                    gathered.add(frame, consumedFrom: from, to: to, emit: emit)
                case .send(let frames):
                    for frame in frames { gathered.addSeparately(frame, emit: emit) }
                }
            }
        }
        return .forwarded
    }

    /// Whether the SQL of a client message must be decoded: a Parse's or a Query's, when statements are
    /// tracked (they need the text) or under transaction pooling (it looks for session state and
    /// `DEALLOCATE`), except a Query that the byte scan alone proves harmless when nothing is tracked.
    private func needsText(type: UInt8, frame: ByteBuffer) -> Bool {
        switch FrontendMessageID(rawValue: type) {
        case .parse: return transactionPooling || observer != nil
        case .query: return observer != nil || (transactionPooling && !Self.isPlainQuery(frame))
        default: return false
        }
    }

    /// The Parse and Bind messages from the client since the last call (SHOW STATS).
    mutating func takeParseAndBindCounts() -> (parses: Int, binds: Int) {
        (
            clientScanner.takeCount(of: FrontendMessageID.parse.rawValue),
            clientScanner.takeCount(of: FrontendMessageID.bind.rawValue)
        )
    }

    /// Counts the requests the scanner saw since the last call (a Query being looked at included).
    private mutating func countRequests(at now: NIODeadline) {
        let queries = clientScanner.takeCount(of: FrontendMessageID.query.rawValue)
        let syncs = clientScanner.takeCount(of: FrontendMessageID.sync.rawValue)
        let others = syncs + clientScanner.takeCount(of: FrontendMessageID.functionCall.rawValue)
        pending.sentRequests(queries + others)
        // The tracker counts a Query itself, when it sees its text.
        for _ in 0..<others { observer?.requestEnded() }
        if syncs > 0 || clientScanner.takeCount(of: FrontendMessageID.flush.rawValue) > 0 {
            observer?.outputReleased(at: now)
        }
    }

    /// Shows DataRows to the observer only while it samples a statement's rows: otherwise they stream past
    /// unlooked-at.
    private mutating func updateDataRowWatch() {
        let wanted = observer?.wantsDataRows ?? false
        guard wanted != watchingDataRows else { return }
        watchingDataRows = wanted
        if wanted {
            serverScanner.watched.insert(BackendMessageID.dataRow.rawValue)
        } else {
            serverScanner.watched.remove(BackendMessageID.dataRow.rawValue)
        }
    }

    /// Hands over the statements finished since the last call, one by one.
    mutating func drainFinishedStatements(_ body: (StatementTracker.Record) -> Void) {
        observer?.drainFinished(body)
    }

    // MARK: Server to client

    /// What one read from the server means besides the bytes for the client.
    struct ServerOutcome: Equatable {
        /// A ReadyForQuery arrived.
        var readyForQuery = false
        /// A ParameterStatus changed one of the connection's parameters.
        var parametersChanged = false
    }

    /// Passes the server's bytes to `emit` (under session pooling, `bytes` itself in one piece), keeping
    /// the connection's parameters and statement cache current.
    mutating func serverBytes(
        _ bytes: ByteBuffer, statements: inout ServerStatementCache, parameters: inout [String: String],
        emit: (ByteBuffer) -> Void
    ) throws -> ServerOutcome {
        var outcome = ServerOutcome()
        var input = bytes
        if observer != nil {
            observer?.forwarded(bytes: bytes.readableBytes)
            now = .now()
        }
        defer { updateDataRowWatch() }
        if !transactionPooling {
            emit(bytes)
            while let event = try serverScanner.next(&input) {
                guard case .message(let type, let frame) = event else { continue }
                try observe(
                    type: type, frame: frame, statements: &statements, parameters: &parameters, outcome: &outcome)
            }
            return outcome
        }
        // Messages forwarded unchanged leave with the bytes around them, in one write.
        var gathered = AdjacentSlices(source: bytes)
        defer { gathered.flush(emit: emit) }
        while true {
            let from = input.readerIndex
            guard let event = try serverScanner.next(&input) else { break }
            let to = input.readerIndex
            switch event {
            case .forward(let run):
                gathered.add(run, consumedFrom: from, to: to, emit: emit)
            case .message(let type, let frame):
                switch BackendMessageID(rawValue: type) {
                case .parseComplete:
                    if pending.parseCompleted() == .swallow { continue }
                case .closeComplete:
                    if pending.closeCompleted() == .swallow { continue }
                case .errorResponse:
                    for lost in pending.errorReceived() { router.parseLost(lost, cache: &statements) }
                    try observer?.server(type: type, frame: frame, at: now)
                case .readyForQuery:
                    while warningsOwed > 0 {
                        warningsOwed -= 1
                        gathered.addSeparately(Self.sessionStateWarning, emit: emit)
                    }
                    try observe(
                        type: type, frame: frame, statements: &statements, parameters: &parameters, outcome: &outcome)
                default:
                    try observe(
                        type: type, frame: frame, statements: &statements, parameters: &parameters, outcome: &outcome)
                }
                gathered.add(frame, consumedFrom: from, to: to, emit: emit)
            }
        }
        return outcome
    }

    /// The time of the server read being looked at (set only when statements are tracked).
    private var now = NIODeadline.uptimeNanoseconds(0)

    private mutating func observe(
        type: UInt8, frame: ByteBuffer, statements: inout ServerStatementCache, parameters: inout [String: String],
        outcome: inout ServerOutcome
    ) throws {
        try observer?.server(type: type, frame: frame, at: now)
        if type == BackendMessageID.readyForQuery.rawValue {
            let status = frame.getInteger(at: frame.readerIndex + MessageScanner.headerLength, as: UInt8.self)
            transactionStatus = status.flatMap(TransactionStatus.init(rawValue:)) ?? transactionStatus
            for lost in pending.readyForQuery() { router.parseLost(lost, cache: &statements) }
            outcome.readyForQuery = true
        } else if type == BackendMessageID.parameterStatus.rawValue,
            case .parameterStatus(let name, let value) = try BackendMessage.decode(frame: frame),
            parameters[name] != value
        {
            parameters[name] = value
            outcome.parametersChanged = true
        }
    }

    // MARK: Session state

    /// What to do with one Query or Parse besides routing it.
    private enum Inspection {
        case none
        /// Route this frame instead.
        case replace(ByteBuffer)
        /// Send these frames instead; nothing is routed.
        case send([ByteBuffer])
    }

    /// Looks at the SQL of a Query or Parse for session state and for the commands that drop the
    /// client's prepared statements (`DEALLOCATE`, `DISCARD ALL`).
    private mutating func inspect(
        _ message: FrontendMessage, statements: inout ServerStatementCache
    ) throws -> Inspection {
        let text: String
        switch message {
        case .query(let query):
            text = query
            if let handled = deallocation(text, statements: &statements) { return handled }
        case .parse(_, let query, _):
            text = query
        default:
            return .none
        }
        let uses = detector.sessionStateUses(in: text)
        guard !uses.isEmpty else { return .none }
        var action = sessionStatePolicy
        var refusal: ByteBuffer?
        if action == .error {
            refusal = Self.refusal(of: message, kind: uses[0].kind)
            // A Parse with parameters cannot be turned into a refusal the client's Bind still fits.
            if refusal == nil { action = .pin }
        }
        for use in uses { sessionStateUses.append((use, action)) }
        switch action {
        case .pin:
            pinned = true
        case .warn:
            warningsOwed += 1
        case .error:
            if let refusal { return .replace(refusal) }
        }
        return .none
    }

    /// `DEALLOCATE name`, `DEALLOCATE ALL` and `DISCARD ALL` sent as a simple query of one statement.
    private mutating func deallocation(_ text: String, statements: inout ServerStatementCache) -> Inspection? {
        guard Self.startsWithDeallocateOrDiscard(text) else { return nil }
        let command = detector.leadingCommand(of: text)
        switch command {
        case .deallocateAll, .discardAll:
            if command == .discardAll { settingsReset = true }
            router.forgetAll()
            statements.removeAll()
            return Inspection.none
        case .deallocate(let name):
            guard let statement = router.forget(name) else { return nil }
            // The server connection may not have it: prepare it first, so that the DEALLOCATE succeeds.
            var frames = router.prepareFrames(statement, cache: &statements, pending: &pending)
            statements.remove(statement.serverName)
            var query = ByteBuffer()
            FrontendMessage.query("DEALLOCATE \"\(statement.serverName)\"").encode(into: &query)
            frames.append(query)
            return .send(frames)
        default:
            return nil
        }
    }

    private static func startsWithDeallocateOrDiscard(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
            else { return false }
            let word = UnsafeBufferPointer(rebasing: bytes[start...])
            return startsWith(word, "deallocate") || startsWith(word, "discard")
        }
    }

    /// Whether `bytes` start with the lowercase ASCII `keyword`, in any letter case.
    private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ keyword: StaticString) -> Bool {
        guard bytes.count >= keyword.utf8CodeUnitCount else { return false }
        return keyword.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { $0 | 0x20 == $1 }
        }
    }

    /// Whether the SQL of a Query frame is proven, from its bytes, to need no look under transaction
    /// pooling: one DML or transaction-control statement that leaves no session state.
    private static func isPlainQuery(_ frame: ByteBuffer) -> Bool {
        frame.withUnsafeReadableBytes { bytes in
            // The header, then the text and its terminating zero byte.
            guard bytes.count > MessageScanner.headerLength else { return false }
            let text = UnsafeRawBufferPointer(rebasing: bytes[MessageScanner.headerLength..<(bytes.count - 1)])
            return SessionStateDetector.isPlainlyHarmless(utf8: text)
        }
    }

    /// The message that makes the server refuse `message` with SQLSTATE 0A000, in its place in the stream:
    /// a `DO` block that raises. Nil for a Parse with parameters, which a `DO` block cannot take.
    private static func refusal(of message: FrontendMessage, kind: SessionStateKind) -> ByteBuffer? {
        let raise =
            "DO $pglens$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = "
            + "'pglens: this statement leaves session state (\(kind.rawValue)) on a pooled server connection, "
            + "refused under pool_mode = transaction (session_state_policy = error)', "
            + "HINT = 'Use SET LOCAL inside a transaction, or connect to a session-pooled database.'; END $pglens$"
        var buffer = ByteBuffer()
        switch message {
        case .query:
            FrontendMessage.query(raise).encode(into: &buffer)
        case .parse(let name, _, let types) where types.isEmpty:
            FrontendMessage.parse(name: name, query: raise, parameterTypes: []).encode(into: &buffer)
        default:
            return nil
        }
        return buffer
    }

    /// The NoticeResponse sent for each statement let through under `session_state_policy = warn`.
    private static let sessionStateWarning: ByteBuffer = {
        var buffer = ByteBuffer()
        BackendMessage.noticeResponse(
            ErrorFields(
                severity: "WARNING", sqlState: .warning,
                message: "pglens: this statement leaves session state on a pooled server connection; "
                    + "under pool_mode = transaction the next client of that connection inherits it")
        ).encode(into: &buffer)
        return buffer
    }()
}
