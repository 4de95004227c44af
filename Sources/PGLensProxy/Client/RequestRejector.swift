import PGWire

/// Answers requests that pglens cannot run (no server connection came free in time) the way PostgreSQL
/// answers requests after an error: an ErrorResponse at once, then extended-protocol messages are
/// discarded until Sync, and every Query, FunctionCall and Sync gets its ReadyForQuery.
///
/// PostgreSQL documentation, "55.2.3 Extended Query" (error handling).
struct RequestRejector {
    /// What to do with one client message.
    enum Action: Equatable {
        /// Send these messages to the client.
        case reply([BackendMessage])
        /// The client ended the session.
        case close
    }

    /// True between an error in an extended-protocol batch and its Sync.
    private(set) var discardingUntilSync = false
    private let error: ErrorFields

    init(error: ErrorFields) {
        self.error = error
    }

    mutating func received(type: UInt8) -> Action {
        switch FrontendMessageID(rawValue: type) {
        case .query, .functionCall:
            discardingUntilSync = false
            return .reply([.errorResponse(error), .readyForQuery(.idle)])
        case .sync:
            if discardingUntilSync {
                discardingUntilSync = false
                return .reply([.readyForQuery(.idle)])
            }
            return .reply([.errorResponse(error), .readyForQuery(.idle)])
        case .terminate:
            return .close
        case .parse, .bind, .describe, .execute, .close:
            if discardingUntilSync { return .reply([]) }
            discardingUntilSync = true
            return .reply([.errorResponse(error)])
        case .flush, .copyData, .copyDone, .copyFail, .passwordOrSASL, .none:
            return .reply([])
        }
    }
}
