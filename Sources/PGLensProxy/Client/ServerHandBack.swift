import PGWire

/// What becomes of a server connection a client gives back, and what pglens then knows of its settings:
/// decided here without I/O, carried out by the session handler.
struct ServerHandBack: Equatable {
    /// What is done with the connection.
    enum Disposal: Equatable {
        /// The client keeps it (session state was found after the fact: the client is pinned).
        case keep
        /// Back to the pool, after `resetQuery` when there is one.
        case release
        /// `ROLLBACK` first (never an open transaction on a pooled connection), then as `release`.
        case rollbackThenRelease
        /// Closed: a request was left half done.
        case close
    }

    /// What the session knows when it gives the connection back.
    struct Situation {
        var transactionPooling: Bool
        /// The client is pinned to the connection (session state under transaction pooling).
        var pinned: Bool
        /// `session_state_policy = pin`.
        var pinsOnSessionState: Bool
        /// The client sent `DISCARD ALL` since the connection was linked.
        var settingsReset: Bool
        /// A reported parameter (ParameterStatus) differs from its value when the connection was linked.
        var parametersChanged: Bool
        /// Nothing owed and nothing half sent.
        var reusable: Bool
        var transactionStatus: TransactionStatus
        /// `server_reset_query`, nil when empty.
        var configuredResetQuery: String?
    }

    var disposal: Disposal
    /// Run before the connection is pooled again; nil: pooled as it is.
    var resetQuery: String?
    /// The connection's settings state from now on, when it changes (a reset query, once it succeeds,
    /// brings it to `.defaults` in the pool).
    var settings: ServerSettingsState?

    /// Under transaction pooling, a transaction ended and the server owes nothing.
    static func transactionEnded(_ situation: Situation) -> ServerHandBack {
        if situation.parametersChanged {
            // Changed by a statement pglens could not read (a function, a DO block it could not see into):
            // the connection is not what the next client expects.
            return ServerHandBack(
                disposal: situation.pinsOnSessionState ? .keep : .release, resetQuery: nil, settings: .unknown)
        }
        return ServerHandBack(
            disposal: .release, resetQuery: nil, settings: situation.settingsReset ? .defaults : nil)
    }

    /// The client left (Terminate or a closed socket) while holding the connection.
    static func clientLeft(_ situation: Situation) -> ServerHandBack {
        // No session state is left behind under transaction pooling unless the client was pinned.
        let resetQuery =
            situation.transactionPooling && !situation.pinned ? nil : situation.configuredResetQuery
        var settings: ServerSettingsState?
        if resetQuery == nil {
            if situation.settingsReset { settings = .defaults }
            // Given back as it is: what the client set stays unless pglens followed all of it.
            if !situation.transactionPooling || situation.pinned || situation.parametersChanged {
                settings = .unknown
            }
        }
        let disposal: Disposal
        if !situation.reusable {
            disposal = .close
        } else if situation.transactionStatus == .idle {
            disposal = .release
        } else {
            disposal = .rollbackThenRelease
        }
        return ServerHandBack(disposal: disposal, resetQuery: resetQuery, settings: settings)
    }
}
