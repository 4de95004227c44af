/// One statement of a unit of work, in the unit's order, as the analyses of a closed unit see it.
struct UnitStatement: Sendable, Equatable {
    var fingerprint: StatementFingerprint
    /// The normalized text.
    var query: String
    /// Monotonic clock readings at the proxy, in nanoseconds.
    var startNanoseconds: UInt64
    var endNanoseconds: UInt64
    /// Rows returned or affected.
    var rows: UInt64
    var isError: Bool
    /// The parameter values' hash (nil when unknown).
    var parameterHash: UInt64?

    /// The statement's own time at the proxy.
    var durationNanoseconds: UInt64 { endNanoseconds &- startNanoseconds }
}
