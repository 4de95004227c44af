/// When an execution counts as slow: `slow_query_threshold_ms`, with per-database overrides.
public struct SlowQueryThresholds: Sendable, Equatable {
    /// The threshold for databases without an override, in milliseconds (default 100).
    public var defaultMilliseconds: Double
    /// Thresholds for particular databases, in milliseconds.
    public var perDatabaseMilliseconds: [String: Double]

    /// Creates thresholds.
    public init(defaultMilliseconds: Double = 100, perDatabaseMilliseconds: [String: Double] = [:]) {
        self.defaultMilliseconds = defaultMilliseconds
        self.perDatabaseMilliseconds = perDatabaseMilliseconds
    }

    /// The threshold that applies to `database`, in milliseconds.
    public func milliseconds(for database: String) -> Double {
        perDatabaseMilliseconds[database] ?? defaultMilliseconds
    }

    func nanoseconds(for database: String) -> UInt64 {
        UInt64(max(0, milliseconds(for: database)) * 1_000_000)
    }
}
