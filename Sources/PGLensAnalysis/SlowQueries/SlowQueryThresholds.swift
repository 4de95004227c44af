/// When an execution counts as slow: `slow_query_threshold_ms`, with per-database overrides.
public struct SlowQueryThresholds: Sendable, Equatable {
    /// The threshold for databases without an override, in milliseconds (default 100).
    public var defaultMilliseconds: Double {
        didSet { lowestNanoseconds = Self.lowest(defaultMilliseconds, perDatabaseMilliseconds) }
    }
    /// Thresholds for particular databases, in milliseconds.
    public var perDatabaseMilliseconds: [String: Double] {
        didSet { lowestNanoseconds = Self.lowest(defaultMilliseconds, perDatabaseMilliseconds) }
    }
    /// The smallest threshold of all, in nanoseconds: an execution faster than this is not slow anywhere,
    /// which decides almost every execution without looking its database up.
    private(set) var lowestNanoseconds: UInt64

    /// Creates thresholds.
    public init(defaultMilliseconds: Double = 100, perDatabaseMilliseconds: [String: Double] = [:]) {
        self.defaultMilliseconds = defaultMilliseconds
        self.perDatabaseMilliseconds = perDatabaseMilliseconds
        self.lowestNanoseconds = Self.lowest(defaultMilliseconds, perDatabaseMilliseconds)
    }

    /// The threshold that applies to `database`, in milliseconds.
    public func milliseconds(for database: String) -> Double {
        perDatabaseMilliseconds[database] ?? defaultMilliseconds
    }

    func nanoseconds(for database: String) -> UInt64 {
        Self.nanoseconds(milliseconds(for: database))
    }

    /// Whether an execution of `durationNanoseconds` in `database` is slow.
    func isSlow(_ durationNanoseconds: UInt64, in database: String) -> Bool {
        durationNanoseconds >= lowestNanoseconds && durationNanoseconds >= nanoseconds(for: database)
    }

    private static func nanoseconds(_ milliseconds: Double) -> UInt64 {
        UInt64(max(0, milliseconds) * 1_000_000)
    }

    private static func lowest(_ defaultMilliseconds: Double, _ perDatabase: [String: Double]) -> UInt64 {
        nanoseconds(perDatabase.values.reduce(defaultMilliseconds, min))
    }
}
