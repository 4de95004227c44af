import Foundation

/// Everything the advisor found in one database: the last catalog snapshot, the verdict on each candidate
/// statement, the filters of measured traffic and an access problem if there was one. A value the
/// advisor replaces piece by piece; ``IndexAdviceBoard`` turns it into findings.
public struct DatabaseAdvice: Sendable, Equatable {
    /// One examined statement.
    public struct Examination: Sendable, Equatable {
        /// The statement and why it was picked.
        public var candidate: IndexAdviceCandidate
        /// What the advisor concluded.
        public var verdict: IndexAdviceVerdict
        /// When.
        public var examinedAt: Date

        /// Creates an examination.
        public init(candidate: IndexAdviceCandidate, verdict: IndexAdviceVerdict, examinedAt: Date) {
            self.candidate = candidate
            self.verdict = verdict
            self.examinedAt = examinedAt
        }
    }

    /// The most examinations kept; the oldest go first.
    public static let examinationLimit = 500

    /// The database's name on the server.
    public var serverDatabase: String
    /// The last catalog snapshot; nil until one was taken.
    public var snapshot: CatalogSnapshot?
    /// The verdicts, per statement.
    public private(set) var examinations: [StatementFingerprint: Examination] = [:]
    /// The measured statements' filters, as of the last cycle.
    public var traffic: [TrafficFilter] = []
    /// Why the advisor could not work, if it could not; cleared when a cycle succeeds.
    public var accessProblem: AdvisorAccessProblem?

    /// Creates an empty entry for the server's database `serverDatabase`.
    public init(serverDatabase: String) {
        self.serverDatabase = serverDatabase
    }

    /// Keeps the verdict on one statement (replacing an earlier one), within ``examinationLimit``.
    public mutating func record(_ examination: Examination) {
        examinations[examination.candidate.fingerprint] = examination
        guard examinations.count > Self.examinationLimit,
            let oldest = examinations.min(by: { $0.value.examinedAt < $1.value.examinedAt })
        else { return }
        examinations[oldest.key] = nil
    }

    /// Whether `fingerprint` was examined at or after `date`.
    public func wasExamined(_ fingerprint: StatementFingerprint, since date: Date) -> Bool {
        examinations[fingerprint].map { $0.examinedAt >= date } ?? false
    }
}
