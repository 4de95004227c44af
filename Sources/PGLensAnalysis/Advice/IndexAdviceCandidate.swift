import Foundation

/// A measured statement worth a plan: why it was picked and what pglens measured of it.
public struct IndexAdviceCandidate: Sendable, Equatable {
    /// Why a statement is a candidate.
    public enum Reason: String, Sendable, Equatable, Comparable {
        /// Among the statements with the most total time.
        case topTotalTime = "top_total_time"
        /// It has slow executions (a `slow_query` finding).
        case slow
        /// The child of an N+1 (an `n_plus_one` finding).
        case nPlusOne = "n_plus_one"
        /// Run often, each time slower than a lookup by index should be.
        case frequentLookup = "frequent_lookup"

        /// Orders by the raw value, for stable output.
        public static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The statement's fingerprint.
    public var fingerprint: StatementFingerprint
    /// Its normalized text: what the plan is taken of (parameters stay `$n`).
    public var query: String
    /// The database it ran in.
    public var database: String
    /// The user it ran as (the most time, when several).
    public var user: String
    /// The application that spent the most time in it.
    public var applicationName: String
    /// Executions, over every user and application.
    public var calls: UInt64
    /// Time spent in it, in milliseconds.
    public var totalMilliseconds: Double
    /// Mean time of one execution, in milliseconds.
    public var meanMilliseconds: Double
    /// Why it was picked.
    public var reasons: [Reason]
    /// First execution seen.
    public var firstSeen: Date
    /// Last execution seen.
    public var lastSeen: Date

    /// Creates a candidate.
    public init(
        fingerprint: StatementFingerprint, query: String, database: String, user: String, applicationName: String,
        calls: UInt64, totalMilliseconds: Double, meanMilliseconds: Double, reasons: [Reason], firstSeen: Date,
        lastSeen: Date
    ) {
        self.fingerprint = fingerprint
        self.query = query
        self.database = database
        self.user = user
        self.applicationName = applicationName
        self.calls = calls
        self.totalMilliseconds = totalMilliseconds
        self.meanMilliseconds = meanMilliseconds
        self.reasons = reasons
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
