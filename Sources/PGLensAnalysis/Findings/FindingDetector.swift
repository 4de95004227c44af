/// Anything whose findings join the report: the one way findings reach it (the slow log, the
/// session-state observations the event loops record, every detector).
public protocol FindingSource: Sendable {
    /// The findings so far; parameter values may appear in evidence only when `captureParameters` is true.
    func findings(captureParameters: Bool) -> [Finding]
}

/// A detector fed every statement event in order (each client's events in their ``StatementEvent/sequence``
/// order) by the analysis consumer, that turns patterns into findings: the shape the slow-query log has and
/// an N+1 detector will have.
public protocol FindingDetector: FindingSource {
    /// Takes the next event.
    mutating func consume(_ event: StatementEvent)
    /// Forgets everything seen.
    mutating func reset()
    /// A client connection ended (after its last statement event): state kept for it can go.
    mutating func connectionEnded(_ clientConnectionID: UInt64)
}

extension FindingDetector {
    /// Keeps nothing per connection: nothing to do.
    public mutating func connectionEnded(_ clientConnectionID: UInt64) {}
}

extension SlowQueryLog: FindingDetector {
    /// Records the event if it is slow.
    public mutating func consume(_ event: StatementEvent) {
        record(event)
    }
}

extension FindingsStore: FindingSource {}
