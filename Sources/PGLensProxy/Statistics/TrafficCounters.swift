/// Counters of one database's traffic, PgBouncer's `SHOW STATS_TOTALS` in order. Times in microseconds.
struct TrafficCounters: Equatable, Sendable {
    /// Times a server connection was linked to a client.
    var serverAssignments: UInt64 = 0
    /// Transactions (a request cycle that ended outside a transaction block).
    var transactions: UInt64 = 0
    /// Requests answered with ReadyForQuery.
    var queries: UInt64 = 0
    /// Bytes from clients.
    var bytesReceived: UInt64 = 0
    /// Bytes to clients.
    var bytesSent: UInt64 = 0
    var transactionMicroseconds: UInt64 = 0
    var queryMicroseconds: UInt64 = 0
    /// Time clients spent waiting for a server connection.
    var waitMicroseconds: UInt64 = 0
    /// Parse messages from clients.
    var clientParses: UInt64 = 0
    /// Parse messages sent to servers (counted as the client's: pglens forwards or injects them).
    var serverParses: UInt64 = 0
    /// Bind messages from clients.
    var binds: UInt64 = 0
    /// Clients that logged in.
    var clientLogins: UInt64 = 0

    /// The counters in PgBouncer's column order.
    var values: [UInt64] {
        [
            serverAssignments, transactions, queries, bytesReceived, bytesSent, transactionMicroseconds,
            queryMicroseconds, waitMicroseconds, clientParses, serverParses, binds, clientLogins,
        ]
    }

    static func + (lhs: TrafficCounters, rhs: TrafficCounters) -> TrafficCounters {
        lhs.combined(with: rhs, &+)
    }

    /// `lhs - rhs`, each counter floored at 0 (a reset in between counts as 0).
    static func - (lhs: TrafficCounters, rhs: TrafficCounters) -> TrafficCounters {
        lhs.combined(with: rhs) { $0 >= $1 ? $0 - $1 : 0 }
    }

    private func combined(with other: TrafficCounters, _ operation: (UInt64, UInt64) -> UInt64) -> TrafficCounters {
        TrafficCounters(
            serverAssignments: operation(serverAssignments, other.serverAssignments),
            transactions: operation(transactions, other.transactions),
            queries: operation(queries, other.queries),
            bytesReceived: operation(bytesReceived, other.bytesReceived),
            bytesSent: operation(bytesSent, other.bytesSent),
            transactionMicroseconds: operation(transactionMicroseconds, other.transactionMicroseconds),
            queryMicroseconds: operation(queryMicroseconds, other.queryMicroseconds),
            waitMicroseconds: operation(waitMicroseconds, other.waitMicroseconds),
            clientParses: operation(clientParses, other.clientParses),
            serverParses: operation(serverParses, other.serverParses),
            binds: operation(binds, other.binds),
            clientLogins: operation(clientLogins, other.clientLogins))
    }
}
