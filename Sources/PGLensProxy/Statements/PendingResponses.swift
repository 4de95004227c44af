/// What a linked server connection still owes its client, and which of its answers pglens must keep
/// from the client.
///
/// Requests are the messages the server answers with ReadyForQuery (Query, Sync, FunctionCall). Parse
/// and Close messages are tracked one by one, since pglens sends some of its own (a Parse it injects
/// before a client's Bind, a Close for a statement it evicts) whose ParseComplete and CloseComplete the
/// client must not see. The server answers Parse and Close in the order they were sent; after an error in
/// the extended protocol it skips everything up to the next Sync (55.2.3 "Extended Query"), so an
/// ErrorResponse ends the tracked messages of its batch.
struct PendingResponses: Sendable {
    /// What becomes of one answer from the server.
    enum Disposition: Equatable {
        /// Pass it to the client.
        case forward
        /// It answers a message pglens sent on its own: drop it.
        case swallow
    }

    /// A Parse or Close sent to the server and not yet answered.
    private struct Tracked: Sendable {
        enum Kind: Sendable {
            /// `serverName` is nil for the unnamed statement; `clientName` is set for a client's own Parse.
            case parse(serverName: String?, clientName: String?)
            case close
        }
        var kind: Kind
        var swallow: Bool
        /// Requests sent before it: it belongs to the batch the next ReadyForQuery after them ends.
        var batch: Int
    }

    /// A Parse the server did not carry out (it failed, or an earlier error made the server skip it).
    struct LostParse: Equatable {
        var serverName: String
        var clientName: String?
    }

    private var tracked: [Tracked] = []
    private var head = 0
    private(set) var requestsSent = 0
    private(set) var requestsAnswered = 0

    init() {}

    /// Requests (Query, Sync, FunctionCall) not yet answered by ReadyForQuery.
    var unansweredRequests: Int { requestsSent - requestsAnswered }

    /// Nothing is owed: every request answered and every Parse and Close accounted for.
    var isEmpty: Bool { unansweredRequests == 0 && head == tracked.count }

    /// Whether an answer to come must be kept from the client.
    var expectsSwallowedAnswer: Bool { tracked[head...].contains { $0.swallow } }

    // MARK: Sent

    mutating func sentRequests(_ count: Int) {
        requestsSent += count
    }

    mutating func sentParse(serverName: String?, clientName: String?, swallow: Bool) {
        append(Tracked(kind: .parse(serverName: serverName, clientName: clientName), swallow: swallow, batch: 0))
    }

    mutating func sentClose(swallow: Bool) {
        append(Tracked(kind: .close, swallow: swallow, batch: 0))
    }

    private mutating func append(_ entry: Tracked) {
        var entry = entry
        entry.batch = requestsSent
        if head > 32, head * 2 > tracked.count {
            tracked.removeFirst(head)
            head = 0
        }
        tracked.append(entry)
    }

    // MARK: Answered

    /// ParseComplete arrived.
    mutating func parseCompleted() -> Disposition {
        guard head < tracked.count, case .parse = tracked[head].kind else { return .forward }
        defer { head += 1 }
        return tracked[head].swallow ? .swallow : .forward
    }

    /// CloseComplete arrived.
    mutating func closeCompleted() -> Disposition {
        guard head < tracked.count, case .close = tracked[head].kind else { return .forward }
        defer { head += 1 }
        return tracked[head].swallow ? .swallow : .forward
    }

    /// An ErrorResponse arrived: the tracked messages of the current batch will not be answered.
    /// Returns the Parses among them, whose statements do not exist on the server.
    mutating func errorReceived() -> [LostParse] {
        dropBatches(through: requestsAnswered)
    }

    /// ReadyForQuery arrived.
    mutating func readyForQuery() -> [LostParse] {
        let lost = dropBatches(through: requestsAnswered)
        requestsAnswered = min(requestsAnswered + 1, requestsSent)
        return lost
    }

    private mutating func dropBatches(through batch: Int) -> [LostParse] {
        var lost: [LostParse] = []
        while head < tracked.count, tracked[head].batch <= batch {
            if case .parse(let serverName?, let clientName) = tracked[head].kind {
                lost.append(LostParse(serverName: serverName, clientName: clientName))
            }
            head += 1
        }
        return lost
    }
}
