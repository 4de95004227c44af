import Foundation

/// One statement a client ran through the proxy, as measured there: the unit every analysis consumes.
///
/// Events of one client connection carry increasing ``sequence`` numbers and are produced in execution order,
/// so a consumer can follow each client's stream in order (an N+1 detector looks for the same fingerprint
/// repeated right after a statement whose ``rows`` drive it) and notice gaps left by dropped events.
public struct StatementEvent: Sendable {
    /// The client connection's id, unique within the proxy process.
    public var clientConnectionID: UInt64
    /// Position of this statement in its client connection's stream: 0, 1, 2, ...
    public var sequence: UInt64
    /// The client's address (`10.0.0.5:51234`, or a socket path).
    public var clientAddress: String
    /// The database from the client's startup parameters.
    public var database: String
    /// The user from the client's startup parameters.
    public var user: String
    /// The client's `application_name` (empty when it set none).
    public var applicationName: String
    /// The statement's text: normalized, or raw simple-query text the consumer normalizes.
    public var text: StatementText
    /// Bind parameter values as text (nil for SQL NULL or binary values), only when parameter capture is on.
    public var parameters: [String?]?
    /// A hash of the statement's parameter values, to tell repeated values from different ones without
    /// keeping them: of the Bind values when the proxy hashed them, of the raw text for literal SQL (set by
    /// the analysis consumer before normalizing it); nil when unknown.
    public var parameterHash: UInt64?
    /// The value hashes of the first Bind parameters (``LineageHash/value(_:binary:)``): where the lineage
    /// evidence looks for a loop's keys in the rows of the statement before. Empty for a simple Query, whose
    /// constants' hashes come with its normalization (``NormalizedStatement/constantHashes``).
    public var parameterValues = ParameterValueHashes()
    /// The value hashes of the first rows the statement returned, when it was armed for sampling as the
    /// likely parent of an N+1 loop (``LineageArming``); nil otherwise.
    public var resultSample: ResultSample?
    /// The SQL as the client sent it and which statement of it this was, kept by the analysis consumer for
    /// the statements that returned rows (a reference, not a copy): the name a likely N+1 parent is armed
    /// for sampling under is its ``shapeHash``, computed only when it is armed.
    public var sentText: String?
    public var sentStatementIndex = 0

    /// The shape hash of the statement as the client sent it (``LineageHash/shape(of:statementIndex:)``).
    public var shapeHash: UInt64? {
        sentText.map { LineageHash.shape(of: $0, statementIndex: sentStatementIndex) }
    }
    /// When the statement started at the proxy (the Query or Execute was forwarded), as a monotonic clock
    /// reading in nanoseconds (for example NIO's `NIODeadline.now().uptimeNanoseconds`): for durations and
    /// ordering; only differences between readings mean anything.
    public var startMonotonicNanoseconds: UInt64
    /// The same instant on the wall clock, for reports.
    public var startedAt: Date
    /// From start to the statement's completion at the proxy, in nanoseconds.
    public var durationNanoseconds: UInt64
    /// Rows returned or affected (``CommandTag/rows``).
    public var rows: UInt64
    /// Bytes of result messages sent back to the client.
    public var bytesReturned: UInt64
    /// The SQLSTATE when the statement ended in an ErrorResponse, nil on success.
    public var sqlState: String?
    /// Time spent waiting for a server connection before the statement could start, in nanoseconds.
    public var serverWaitNanoseconds: UInt64
    /// True when the statement ran inside an explicit transaction block (after BEGIN).
    public var inExplicitTransaction: Bool

    /// Creates an event.
    public init(
        clientConnectionID: UInt64, sequence: UInt64, clientAddress: String, database: String, user: String,
        applicationName: String, text: StatementText, parameters: [String?]? = nil,
        startMonotonicNanoseconds: UInt64, startedAt: Date, durationNanoseconds: UInt64, rows: UInt64,
        bytesReturned: UInt64 = 0,
        sqlState: String? = nil, serverWaitNanoseconds: UInt64 = 0, inExplicitTransaction: Bool = false
    ) {
        self.clientConnectionID = clientConnectionID
        self.sequence = sequence
        self.clientAddress = clientAddress
        self.database = database
        self.user = user
        self.applicationName = applicationName
        self.text = text
        self.parameters = parameters
        self.startMonotonicNanoseconds = startMonotonicNanoseconds
        self.startedAt = startedAt
        self.durationNanoseconds = durationNanoseconds
        self.rows = rows
        self.bytesReturned = bytesReturned
        self.sqlState = sqlState
        self.serverWaitNanoseconds = serverWaitNanoseconds
        self.inExplicitTransaction = inExplicitTransaction
    }

    /// The normalized statement (fingerprint, text, sqlcommenter ``NormalizedStatement/metadata``); events
    /// handed to statistics and detectors by the pipeline are already normalized, so this is cheap there.
    public var statement: NormalizedStatement { text.normalized }

    /// True when the statement ended in an error.
    public var isError: Bool { sqlState != nil }

    /// The monotonic clock reading at the statement's completion.
    public var endedAtMonotonicNanoseconds: UInt64 { startMonotonicNanoseconds &+ durationNanoseconds }

    /// The value hashes of the statement's parameters: its Bind values, or its literal constants.
    public var parameterValueHashes: ParameterValueHashes {
        parameterValues.count > 0 ? parameterValues : statement.constantHashes
    }

}
