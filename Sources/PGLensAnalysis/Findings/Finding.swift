import Foundation

/// One distinct problem, aggregated over its occurrences: an entry of the report's `findings` array.
///
/// Every field of the contract (`pglens.report/v1`) is always written; unknown values are `null`.
public struct Finding: Sendable, Equatable, Codable {
    /// The statement whose rows drove a repeated-query pattern.
    public struct Parent: Sendable, Equatable, Codable {
        /// The parent statement's fingerprint (hex).
        public var fingerprint: String
        /// Its normalized text.
        public var query: String

        /// References the statement whose rows drove a pattern.
        public init(fingerprint: StatementFingerprint, query: String) {
            self.fingerprint = fingerprint.hex
            self.query = query
        }
    }

    /// Stable id: the same problem keeps its id across reports.
    public var id: String
    /// What kind of problem.
    public var kind: FindingKind
    /// How urgent.
    public var severity: FindingSeverity
    /// The statement's fingerprint (hex), joining with `statements[]`.
    public var fingerprint: String
    /// The statement's normalized text.
    public var query: String
    /// Where it was seen.
    public var database: String
    /// Which application.
    public var applicationName: String
    /// How many times the pattern was seen.
    public var occurrences: Int
    /// For repeated-query patterns: the most executions in one burst.
    public var repetitions: Int?
    /// Time spent in the pattern, summed over occurrences, in milliseconds.
    public var timeMilliseconds: Double
    /// The statement whose rows drove the pattern.
    public var parent: Parent?
    /// The main table involved, when known.
    public var table: String?
    /// Filter or index columns involved, when known.
    public var columns: [String]
    /// What to do, concretely.
    public var suggestion: String
    /// The data behind the finding.
    public var evidence: [String: JSONValue]
    /// First occurrence.
    public var firstSeen: Date
    /// Last occurrence.
    public var lastSeen: Date

    /// Creates a finding; `repetitions`, `parent` and `table` are written as `null` when nil.
    public init(
        id: String, kind: FindingKind, severity: FindingSeverity, fingerprint: String, query: String,
        database: String, applicationName: String, occurrences: Int, repetitions: Int? = nil,
        timeMilliseconds: Double, parent: Parent? = nil, table: String? = nil, columns: [String] = [],
        suggestion: String, evidence: [String: JSONValue] = [:], firstSeen: Date, lastSeen: Date
    ) {
        self.id = id
        self.kind = kind
        self.severity = severity
        self.fingerprint = fingerprint
        self.query = query
        self.database = database
        self.applicationName = applicationName
        self.occurrences = occurrences
        self.repetitions = repetitions
        self.timeMilliseconds = timeMilliseconds
        self.parent = parent
        self.table = table
        self.columns = columns
        self.suggestion = suggestion
        self.evidence = evidence
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, severity, fingerprint, query, database, occurrences, repetitions, parent, table, columns
        case suggestion, evidence
        case applicationName = "application_name"
        case timeMilliseconds = "time_ms"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }

    /// Encodes every contract field, writing `null` for unknown optional values.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(severity, forKey: .severity)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(query, forKey: .query)
        try container.encode(database, forKey: .database)
        try container.encode(applicationName, forKey: .applicationName)
        try container.encode(occurrences, forKey: .occurrences)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encode(timeMilliseconds, forKey: .timeMilliseconds)
        try container.encode(parent, forKey: .parent)
        try container.encode(table, forKey: .table)
        try container.encode(columns, forKey: .columns)
        try container.encode(suggestion, forKey: .suggestion)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(firstSeen, forKey: .firstSeen)
        try container.encode(lastSeen, forKey: .lastSeen)
    }
}
