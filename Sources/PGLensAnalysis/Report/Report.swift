import Foundation

/// The pglens JSON report, schema `pglens.report/v1` (see the report contract): statement statistics,
/// findings, and the analysis's own counters.
public struct Report: Sendable, Equatable, Codable {
    /// The schema name this structure follows.
    public static let schemaName = "pglens.report/v1"

    /// The period the report covers.
    public struct Window: Sendable, Equatable, Codable {
        /// Start of the period (proxy start or last reset).
        public var startedAt: Date
        /// End of the period (when the report was built).
        public var endedAt: Date

        enum CodingKeys: String, CodingKey {
            case startedAt = "started_at"
            case endedAt = "ended_at"
        }
    }

    /// Which pglens produced the report.
    public struct Instance: Sendable, Equatable, Codable {
        /// The instance's id.
        public var id: String
        /// The pglens version.
        public var version: String
    }

    /// Counters of the analysis pipeline itself.
    public struct Analysis: Sendable, Equatable, Codable {
        /// Statement events accepted into the queue.
        public var eventsReceived: Int
        /// Statement events dropped because the queue was full.
        public var eventsDropped: Int
        /// Statements evicted from the statistics to stay within `stats_max_statements`.
        public var statementsEvicted: Int
        /// Executions over the slow-query threshold.
        public var slowExecutions: Int

        enum CodingKeys: String, CodingKey {
            case eventsReceived = "events_received"
            case eventsDropped = "events_dropped"
            case statementsEvicted = "statements_evicted"
            case slowExecutions = "slow_executions"
        }
    }

    /// Always ``schemaName``.
    public var schema: String = Report.schemaName
    /// When the report was built.
    public var generatedAt: Date
    /// The period covered.
    public var window: Window
    /// Which pglens.
    public var instance: Instance
    /// One entry per normalized statement and (database, user, application).
    public var statements: [StatementSummary]
    /// One entry per distinct problem.
    public var findings: [Finding]
    /// The analysis pipeline's counters.
    public var analysis: Analysis

    enum CodingKeys: String, CodingKey {
        case schema, window, instance, statements, findings, analysis
        case generatedAt = "generated_at"
    }

    /// The report as JSON: RFC 3339 timestamps, keys sorted so equal reports give equal bytes.
    public func jsonData(prettyPrinted: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Decodes a report from its JSON.
    public static func decode(from data: Data) throws -> Report {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Report.self, from: data)
    }
}
