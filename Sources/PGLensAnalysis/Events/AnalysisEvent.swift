/// What the event loops hand to the analysis, in each client connection's order: its statements and the
/// moments of its life the detectors need besides them.
public enum AnalysisEvent: Sendable {
    /// A statement finished.
    case statement(StatementEvent)
    /// A client connection ended: whatever the analysis follows per connection (an open unit of work) ends
    /// with it and its state is freed.
    case connectionEnded(clientConnectionID: UInt64)

    /// The client connection the event belongs to.
    public var clientConnectionID: UInt64 {
        switch self {
        case .statement(let event): event.clientConnectionID
        case .connectionEnded(let id): id
        }
    }

    /// The statement, for a statement event.
    public var statement: StatementEvent? {
        if case .statement(let event) = self { return event }
        return nil
    }
}
