import NIOCore

/// A client session's share of the traffic counters: it adds to its event loop's cell for the session's
/// database with plain stores (the session runs on that loop), reading the clock once per request.
struct SessionTrafficMeter {
    private let cell: TrafficCounterCell?
    /// When the request being answered started; nil when the server owes nothing.
    private(set) var requestStartedAt: NIODeadline?
    /// When the transaction in progress started.
    private var transactionStartedAt: NIODeadline?
    /// When the last request started, for SHOW CLIENTS.
    private(set) var lastRequestAt: NIODeadline?

    /// A meter that counts nothing (before login, and for the admin console).
    init() {
        self.cell = nil
    }

    init(cell: TrafficCounterCell) {
        self.cell = cell
        cell.counters.clientLogins += 1
    }

    /// Bytes from the client were forwarded.
    func received(_ bytes: Int) {
        cell?.counters.bytesReceived &+= UInt64(bytes)
    }

    /// Bytes from the server were forwarded to the client.
    func sent(_ bytes: Int) {
        cell?.counters.bytesSent &+= UInt64(bytes)
    }

    /// Parse and Bind messages the client sent.
    func parsed(_ parses: Int, bound binds: Int) {
        guard parses > 0 || binds > 0 else { return }
        cell?.counters.clientParses &+= UInt64(parses)
        cell?.counters.binds &+= UInt64(binds)
    }

    /// A server connection was linked after the client waited `waitNanoseconds` for it.
    func serverAssigned(waitNanoseconds: Int64) {
        cell?.counters.serverAssignments &+= 1
        cell?.counters.waitMicroseconds &+= UInt64(max(0, waitNanoseconds) / 1000)
    }

    /// The client sends a request while none is outstanding.
    mutating func requestStarted(at now: NIODeadline, inTransaction: Bool) {
        requestStartedAt = now
        lastRequestAt = now
        if !inTransaction, transactionStartedAt == nil { transactionStartedAt = now }
    }

    /// `answered` requests got their ReadyForQuery; `outstanding` are still owed; the session is (or is not)
    /// inside a transaction block now.
    mutating func readyForQuery(at now: NIODeadline, answered: Int, outstanding: Int, inTransaction: Bool) {
        guard let cell, let started = requestStartedAt else { return }
        cell.counters.queries &+= UInt64(max(answered, 1))
        if outstanding == 0 {
            cell.counters.queryMicroseconds &+= Self.microseconds(now - started)
            requestStartedAt = nil
        }
        if !inTransaction, let transactionStart = transactionStartedAt {
            cell.counters.transactions &+= 1
            cell.counters.transactionMicroseconds &+= Self.microseconds(now - transactionStart)
            transactionStartedAt = nil
        }
    }

    private static func microseconds(_ amount: TimeAmount) -> UInt64 {
        UInt64(max(0, amount.nanoseconds) / 1000)
    }
}
