import NIOCore
import PGLensAnalysis
import PGWire

/// What the analysis sees of a link's traffic, behind one narrow interface: the forwarding code hands it
/// the client messages and server answers it asks for (``clientTypes``, ``serverTypes``, and DataRow while
/// ``wantsDataRows``) and takes finished statements from it. It times statements (``StatementTracker``),
/// hashes Bind values, and samples the rows of the statements the analysis armed as likely N+1 parents.
///
/// I/O-free; lives on the client's event loop.
struct StatementObserver: Sendable {
    /// The client messages to be shown.
    static let clientTypes: [FrontendMessageID] = [.parse, .bind, .close, .query, .execute]
    /// The server messages to be shown (DataRow only while ``wantsDataRows``).
    static let serverTypes: [BackendMessageID] = [
        .commandComplete, .emptyQueryResponse, .portalSuspended, .errorResponse,
    ]

    private(set) var tracker: StatementTracker
    /// Where the analysis arms statements for sampling; nil: no sampling.
    private let arming: LineageArming?
    /// The armed shapes as of ``armedGeneration``.
    private var armed: Set<UInt64> = []
    private var armedGeneration = 0

    init(tracker: StatementTracker, arming: LineageArming?) {
        self.tracker = tracker
        self.arming = arming
    }

    /// Whether DataRows must be shown: a sampled statement is being answered.
    var wantsDataRows: Bool { !armed.isEmpty && tracker.isSampling }

    /// Whether Bind values are kept (`capture_parameters`).
    var captureParameters: Bool { tracker.captureParameters }

    /// Picks up a change of the armed statements: one atomic load when nothing changed.
    private mutating func refreshArmed() {
        guard let arming, arming.generation != armedGeneration else { return }
        armedGeneration = arming.generation
        armed = arming.shapes
    }

    // MARK: Client messages

    /// One client message as forwarded; `message` is its decoded form when the caller decoded it.
    mutating func client(
        type: UInt8, frame: ByteBuffer, message: FrontendMessage?, at now: NIODeadline, inTransaction: Bool
    ) throws {
        switch FrontendMessageID(rawValue: type) {
        case .query:
            guard case .query(let text) = message else { return }
            refreshArmed()
            tracker.query(text, at: now, inTransaction: inTransaction, armed: armed)
        case .parse:
            guard case .parse(let name, let text, _) = message else { return }
            tracker.parse(statement: name, text: text)
        case .bind:
            var body = frame.getSlice(
                at: frame.readerIndex + MessageScanner.headerLength,
                length: frame.readableBytes - MessageScanner.headerLength)!
            guard let portal = body.readCString(), let statement = body.readCString() else { return }
            var parameters: [String?]?
            if tracker.captureParameters, case .bind(let bind) = try FrontendMessage.decode(frame: frame) {
                parameters = bind.parameters.indices.map { index in
                    bind.parameters[index].map { Self.parameterText($0, binary: bind.isBinaryParameter(at: index)) }
                }
            }
            tracker.bind(
                portal: portal, statement: statement, parameters: parameters, summary: BindSummary(parameterPart: body))
        case .execute:
            var body = frame.getSlice(
                at: frame.readerIndex + MessageScanner.headerLength,
                length: frame.readableBytes - MessageScanner.headerLength)!
            guard let portal = body.readCString() else { return }
            refreshArmed()
            tracker.execute(portal: portal, at: now, inTransaction: inTransaction, armed: armed)
        case .close:
            if let field = StatementNameField.locate(in: frame) { tracker.closeStatement(field.name(in: frame)) }
        default:
            break
        }
    }

    /// A Sync or FunctionCall: a request the server ends with ReadyForQuery.
    mutating func requestEnded() { tracker.requestEnded() }

    /// A Sync or Flush was forwarded at `time`.
    mutating func outputReleased(at time: NIODeadline) { tracker.outputReleased(at: time) }

    // MARK: Server messages

    /// Bytes forwarded to the client.
    mutating func forwarded(bytes: Int) { tracker.forwarded(bytes: bytes) }

    /// One answer from the server.
    mutating func server(type: UInt8, frame: ByteBuffer, at now: NIODeadline) throws {
        switch BackendMessageID(rawValue: type) {
        case .dataRow:
            tracker.dataRow(frame)
        case .commandComplete:
            // The tag, a C string after the header, read in place.
            let rows = frame.withUnsafeReadableBytes { bytes -> UInt64 in
                let body = UnsafeRawBufferPointer(rebasing: bytes.dropFirst(MessageScanner.headerLength))
                let end = body.firstIndex(of: 0) ?? body.endIndex
                return CommandTag.rows(utf8: UnsafeRawBufferPointer(rebasing: body[..<end]))
            }
            tracker.statementCompleted(rows: rows, at: now)
        case .emptyQueryResponse:
            tracker.statementCompleted(rows: nil, at: now)
        case .portalSuspended:
            tracker.statementCompleted(rows: 0, at: now)
        case .errorResponse:
            guard case .errorResponse(let fields) = try BackendMessage.decode(frame: frame) else { return }
            tracker.errorReceived(sqlState: fields.sqlState?.code, at: now)
        case .readyForQuery:
            tracker.readyForQuery(at: now)
        default:
            break
        }
    }

    /// Hands over the statements finished since the last call, one by one.
    mutating func drainFinished(_ body: (StatementTracker.Record) -> Void) {
        tracker.drainFinished(body)
    }

    /// A parameter value as text for the report: text-format values as sent, binary ones as `\x` and hex
    /// digits (as bytea prints), at most 101 bytes of them (the report cuts values to 200 characters).
    static func parameterText(_ value: ByteBuffer, binary: Bool) -> String {
        guard binary else { return String(decoding: value.readableBytesView, as: UTF8.self) }
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("\\x".utf8)
        for byte in value.readableBytesView.prefix(101) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
