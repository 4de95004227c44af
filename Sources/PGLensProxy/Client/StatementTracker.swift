import NIOCore
import PGLensAnalysis
import PGWire

/// Pairs a session's requests with the server's answers, one record per statement executed: a simple
/// Query yields one per statement in it (split on CommandComplete, EmptyQueryResponse and
/// ErrorResponse), an Execute one per portal run (ended by CommandComplete, PortalSuspended or
/// ErrorResponse), pipelined Executes matched to their answers in order.
///
/// A statement's time runs from when it was forwarded to the server, or, when it was pipelined behind
/// statements of the same client, from when the answer to the statement before it was complete: the
/// server works on one statement of a connection at a time, so the time a statement spent queued behind
/// the client's own earlier statements is theirs, not its own. The durations of a pipeline then add up
/// to its time at the proxy instead of overlapping. The server also keeps the answers to extended-protocol
/// messages in its output buffer until the client sends Sync or Flush (or 8 kB collect), so an answer
/// that arrives after a Sync or Flush is timed from that message at the latest: a client that is slow to
/// send Sync does not make the statements before it look slow.
///
/// I/O-free: the caller reports what it forwarded and when; finished statements collect in `finished`.
struct StatementTracker: Sendable {
    /// One statement, from its start to its end as seen at the proxy.
    struct Record: Sendable, Equatable {
        /// The SQL text as the client sent it (a Query's whole text, or a Parse's).
        var text: String
        /// Which statement of `text` (for a simple Query of several statements); 0 for a Parse.
        var statementIndex: Int
        var parameters: [String?]?
        /// A hash of the Bind message's parameter bytes (nil for a simple Query).
        var parameterHash: UInt64?
        /// The value hashes of the first Bind parameters (empty for a simple Query).
        var parameterValues = ParameterValueHashes()
        /// The sampled rows, for a statement armed as a likely N+1 parent.
        var resultSample: ResultSample?
        var start: NIODeadline
        var end: NIODeadline
        var rows: UInt64
        var bytesReturned: UInt64
        var sqlState: String?
        var inTransaction: Bool
    }

    /// A request whose answer is awaited: a simple Query or an Execute.
    private struct Running: Sendable {
        /// nil when the portal's statement is unknown (its Parse came before pglens could see it).
        var text: String?
        var statementIndex = 0
        var parameters: [String?]?
        var parameterHash: UInt64?
        var parameterValues = ParameterValueHashes()
        /// Present while the statement's rows are sampled.
        var sample: ResultSample?
        var resultFormats = BindSummary.ResultFormats.allText
        var start: NIODeadline
        var bytes: UInt64 = 0
        var isSimpleQuery: Bool
        /// The Query stopped at an error: its remaining statements do not run.
        var failed = false
        /// Requests (Query, Sync) sent before it; the next ReadyForQuery after them ends its batch.
        var batch: Int
        var inTransaction: Bool
    }

    /// Whether Bind parameter values are kept (`capture_parameters`).
    let captureParameters: Bool
    /// The most bytes of a statement's text the analysis keeps (as `track_activity_query_size` does): a
    /// 100 MB query is forwarded whole but analysed, fingerprinted and kept by its first 32 KiB.
    static let maximumTextLength = 32 * 1024

    /// `text`, cut to ``maximumTextLength`` bytes (at a character boundary).
    static func bounded(_ text: String) -> String {
        guard text.utf8.count > maximumTextLength else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: maximumTextLength)
        while end > text.utf8.startIndex, UTF8.isContinuation(text.utf8[end]) { end = text.utf8.index(before: end) }
        return String(text[..<end])
    }
    /// Named statements and portals by name; the unnamed ones (what most drivers use) apart, without
    /// hashing a key per message.
    private var statements: [String: String] = [:]
    private var portals: [String: BoundPortal] = [:]
    private var unnamedStatement: String?
    private var unnamedPortal: BoundPortal?

    private typealias BoundPortal = (text: String?, parameters: [String?]?, summary: BindSummary?)
    private var running: [Running] = []
    private var head = 0
    private var requestsSent = 0
    private var requestsAnswered = 0
    /// When the client last sent Sync or Flush, which releases the server's buffered answers.
    private var outputReleasedAt = NIODeadline.uptimeNanoseconds(0)
    private(set) var finished: [Record] = []
    /// Whether a statement whose rows are sampled was sent and is not answered yet.
    /// (Past the sample's rows, the rest of a large result streams past unlooked-at.)
    var isSampling: Bool { running[head...].contains { $0.sample?.wantsRows == true } }

    init(captureParameters: Bool) {
        self.captureParameters = captureParameters
    }

    /// Hands over the finished statements.
    mutating func takeFinished() -> [Record] {
        var records: [Record] = []
        drainFinished { records.append($0) }
        return records
    }

    /// Hands over the finished statements one by one, keeping the array's storage for the next ones (no
    /// allocation per request, unlike `takeFinished`).
    mutating func drainFinished(_ body: (Record) -> Void) {
        for record in finished { body(record) }
        finished.removeAll(keepingCapacity: true)
    }

    // MARK: Client messages (as forwarded)

    /// A simple Query was forwarded; its (first) statement's rows are sampled when its shape is `armed`.
    mutating func query(_ text: String, at time: NIODeadline, inTransaction: Bool, armed: Set<UInt64> = []) {
        let text = Self.bounded(text)
        var entry = Running(
            text: text, start: time, isSimpleQuery: true, batch: requestsSent, inTransaction: inTransaction)
        if !armed.isEmpty, armed.contains(LineageHash.shape(of: text, statementIndex: 0)) { startSampling(&entry) }
        append(entry)
        requestsSent += 1
    }

    private func startSampling(_ entry: inout Running) {
        entry.sample = ResultSample()
    }

    /// A DataRow of the statement being answered: its values are hashed when the statement is sampled.
    mutating func dataRow(_ frame: ByteBuffer) {
        guard head < running.count, running[head].sample?.wantsRows == true else { return }
        let formats = running[head].resultFormats
        frame.withUnsafeReadableBytes { bytes in
            // Type, length, column count, then each column's length and bytes.
            var offset = MessageScanner.headerLength
            guard bytes.count >= offset + 2 else { return }
            let columns = Int(UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]))
            offset += 2
            for column in 0..<min(columns, ResultSample.maximumColumns) {
                guard bytes.count >= offset + 4 else { return }
                let length = Int32(bitPattern: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian)
                offset += 4
                guard length >= 0 else { continue }
                guard bytes.count >= offset + Int(length) else { return }
                let value = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(length))])
                if let hash = LineageHash.value(value, binary: formats.isBinary(column)) {
                    running[head].sample?.add(hash, column: column)
                }
                offset += Int(length)
            }
            running[head].sample?.endRow()
        }
    }

    mutating func parse(statement: String, text: String) {
        let text = Self.bounded(text)
        if statement.isEmpty {
            unnamedStatement = text
        } else {
            statements[statement] = text
        }
    }

    mutating func bind(portal: String, statement: String, parameters: [String?]?, summary: BindSummary? = nil) {
        let bound = (
            statement.isEmpty ? unnamedStatement : statements[statement], captureParameters ? parameters : nil,
            summary
        )
        if portal.isEmpty {
            unnamedPortal = bound
        } else {
            portals[portal] = bound
        }
    }

    /// An Execute was forwarded; its rows are sampled when its statement's shape is `armed`.
    mutating func execute(portal: String, at time: NIODeadline, inTransaction: Bool, armed: Set<UInt64> = []) {
        let bound = portal.isEmpty ? unnamedPortal : portals[portal]
        var entry = Running(
            text: bound?.text, parameters: bound?.parameters, parameterHash: bound?.summary?.parameterHash ?? 0,
            parameterValues: bound?.summary?.values ?? ParameterValueHashes(), start: time, isSimpleQuery: false,
            batch: requestsSent, inTransaction: inTransaction)
        if !armed.isEmpty, let text = bound?.text, armed.contains(LineageHash.shape(of: text, statementIndex: 0)) {
            entry.resultFormats = bound?.summary?.resultFormats ?? .allText
            startSampling(&entry)
        }
        append(entry)
    }

    mutating func closeStatement(_ name: String) {
        if name.isEmpty {
            unnamedStatement = nil
        } else {
            statements[name] = nil
        }
    }

    /// A Sync or FunctionCall: a request the server ends with ReadyForQuery.
    mutating func requestEnded() {
        requestsSent += 1
    }

    /// A Sync or Flush was forwarded at `time`: the server sends what it has buffered from then on.
    mutating func outputReleased(at time: NIODeadline) {
        outputReleasedAt = time
    }

    private mutating func append(_ entry: Running) {
        if head > 32, head * 2 > running.count {
            running.removeFirst(head)
            head = 0
        }
        running.append(entry)
    }

    // MARK: Server messages

    /// Bytes forwarded to the client, counted toward the statement being answered.
    mutating func forwarded(bytes: Int) {
        if head < running.count { running[head].bytes += UInt64(bytes) }
    }

    /// CommandComplete, EmptyQueryResponse (`rows` nil: no statement) or PortalSuspended.
    mutating func statementCompleted(rows: UInt64?, at time: NIODeadline) {
        guard head < running.count else { return }
        if let rows { finish(head, rows: rows, sqlState: nil, at: time) }
        if running[head].isSimpleQuery {
            // The next statement of the same Query starts now; ReadyForQuery ends the Query.
            running[head].statementIndex += 1
            running[head].start = time
            running[head].bytes = 0
        } else {
            head += 1
            queuedStatementStarts(at: time)
        }
    }

    /// The statement now at the head was waiting behind the one that just ended: its turn starts at `time`.
    private mutating func queuedStatementStarts(at time: NIODeadline) {
        if head < running.count, running[head].start < time { running[head].start = time }
    }

    /// ErrorResponse: the statement being answered failed; in the extended protocol the server skips the
    /// rest of its batch.
    mutating func errorReceived(sqlState: String?, at time: NIODeadline) {
        guard head < running.count, running[head].batch <= requestsAnswered else { return }
        finish(head, rows: 0, sqlState: sqlState, at: time)
        if running[head].isSimpleQuery {
            running[head].failed = true
            return
        }
        head += 1
        while head < running.count, running[head].batch <= requestsAnswered, !running[head].isSimpleQuery {
            head += 1
        }
        queuedStatementStarts(at: time)
    }

    /// ReadyForQuery: the current request is answered.
    mutating func readyForQuery(at time: NIODeadline) {
        while head < running.count, running[head].batch <= requestsAnswered {
            head += 1
        }
        requestsAnswered = min(requestsAnswered + 1, requestsSent)
        queuedStatementStarts(at: time)
    }

    private mutating func finish(_ index: Int, rows: UInt64, sqlState: String?, at time: NIODeadline) {
        let entry = running[index]
        // One sample per statement: a simple Query's later statements are not sampled.
        if entry.sample != nil { running[index].sample = nil }
        guard let text = entry.text, !entry.failed else { return }
        // An extended-protocol answer held in the server's buffer until a later Sync or Flush.
        let start = entry.isSimpleQuery ? entry.start : max(entry.start, min(outputReleasedAt, time))
        finished.append(
            Record(
                text: text, statementIndex: entry.statementIndex, parameters: entry.parameters,
                parameterHash: entry.parameterHash, parameterValues: entry.parameterValues,
                resultSample: sqlState == nil ? entry.sample : nil, start: start,
                end: time, rows: rows, bytesReturned: entry.bytes, sqlState: sqlState,
                inTransaction: entry.inTransaction))
    }
}
