import NIOCore

/// The time limits on a logged-in client (`client_idle_timeout`, `idle_transaction_timeout`,
/// `query_timeout`, `query_wait_timeout`), decided from what its session reports. I/O-free: the time is
/// passed in.
struct ClientTimeouts: Sendable, Equatable {
    /// Each limit, or nil when it is off.
    var clientIdle: TimeAmount?
    var idleTransaction: TimeAmount?
    var query: TimeAmount?
    var queryWait: TimeAmount?

    /// A limit that was passed, and what to do about it.
    enum Expiry: Equatable {
        /// The client sent nothing for too long: disconnect it.
        case clientIdle
        /// The client sat inside a transaction block for too long: disconnect it (its transaction is
        /// rolled back).
        case idleTransaction
        /// The server has not answered a request for too long: cancel it on the server.
        case query
        /// The server did not answer even after the cancel: give up on the connection.
        case queryAbandoned
        /// The client waited too long for a server connection: tell it so (53300).
        case queryWait
    }

    /// What the session looks like.
    struct Activity: Sendable, Equatable {
        /// When the client last sent anything.
        var lastClientMessage: NIODeadline
        /// Since when the server owes an answer to a request, if it does.
        var requestOutstandingSince: NIODeadline?
        /// Whether the session is inside a transaction block.
        var inTransaction: Bool
        /// When pglens cancelled the outstanding request, if it did.
        var cancelledAt: NIODeadline? = nil
        /// Since when the client waits for a server connection, if it does.
        var waitingSince: NIODeadline? = nil
    }

    init(clientIdle: Double, idleTransaction: Double, query: Double, queryWait: Double = 0) {
        self.clientIdle = Self.amount(clientIdle)
        self.idleTransaction = Self.amount(idleTransaction)
        self.query = Self.amount(query)
        self.queryWait = Self.amount(queryWait)
    }

    /// Whether any limit is on (otherwise nobody needs to look).
    var isActive: Bool { clientIdle != nil || idleTransaction != nil || query != nil || queryWait != nil }

    /// How often to look: a quarter of the shortest limit, between 50 ms and 1 s.
    var checkInterval: TimeAmount {
        let shortest =
            [clientIdle, idleTransaction, query, queryWait].compactMap { $0?.nanoseconds }.min() ?? 1_000_000_000
        return .nanoseconds(min(1_000_000_000, max(50_000_000, shortest / 4)))
    }

    /// The limit `activity` has passed at `now`, if any.
    func expired(_ activity: Activity, now: NIODeadline) -> Expiry? {
        if let since = activity.waitingSince {
            guard let queryWait else { return nil }
            return now - since >= queryWait ? .queryWait : nil
        }
        if let since = activity.requestOutstandingSince {
            guard let query else { return nil }
            if let cancelledAt = activity.cancelledAt {
                return now - cancelledAt >= query ? .queryAbandoned : nil
            }
            return now - since >= query ? .query : nil
        }
        let idle = now - activity.lastClientMessage
        if activity.inTransaction, let idleTransaction, idle >= idleTransaction {
            return .idleTransaction
        }
        if let clientIdle, idle >= clientIdle {
            return .clientIdle
        }
        return nil
    }

    private static func amount(_ seconds: Double) -> TimeAmount? {
        seconds > 0 ? .nanoseconds(Int64(seconds * 1e9)) : nil
    }
}
