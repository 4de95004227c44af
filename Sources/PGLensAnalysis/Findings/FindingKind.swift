/// The kind of a finding: an open set of names, so new detectors add kinds without a schema change.
public struct FindingKind: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    /// The kind's name as it appears in the report (`slow_query`).
    public let rawValue: String

    /// Wraps a kind name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Wraps a kind name written as a literal.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// Executions slower than the slow-query threshold.
    public static let slowQuery: FindingKind = "slow_query"
    /// A statement that leaves session state on a server connection under transaction pooling.
    public static let sessionStateInTransactionMode: FindingKind = "session_state_in_transaction_mode"
    /// The same statement repeated once per row of a preceding statement.
    public static let nPlusOne: FindingKind = "n_plus_one"
    /// Single-row INSERTs of one statement in a loop.
    public static let repeatedInsert: FindingKind = "repeated_insert"
    /// The same statement with the same parameters more than once in one unit of work.
    public static let duplicateQuery: FindingKind = "duplicate_query"
    /// Several aggregates on one table in one unit of work that differ only in their WHERE.
    public static let repeatedAggregates: FindingKind = "repeated_aggregates"
    /// A run of independent statements sent one after another in one unit of work.
    public static let sequentialQueries: FindingKind = "sequential_queries"

    /// Decodes the kind from a JSON string.
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the kind as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
