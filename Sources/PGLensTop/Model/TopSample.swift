import Foundation
import PGLensAnalysis
import PGLensHTTP

/// What one poll of a pglens's HTTP API read: its report (statements, findings, the analysis's counters)
/// and its status (pools, traffic, clients). Either may be missing, with the reason why.
public struct TopSample: Sendable {
    /// `GET /api/v1/report`, or why there is none (analysis off, an older pglens, an error).
    public var report: Result<Report, TopProblem>
    /// `GET /api/v1/status`, or why there is none.
    public var status: Result<ProxyStatus, TopProblem>
    /// When the poll finished, by the clock of the machine running `pglens top`.
    public var takenAt: Date

    /// A sample of the two answers.
    public init(report: Result<Report, TopProblem>, status: Result<ProxyStatus, TopProblem>, takenAt: Date) {
        self.report = report
        self.status = status
        self.takenAt = takenAt
    }
}

/// Why a part of a sample is missing: a sentence for the screen.
public struct TopProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence.
    public var description: String

    /// A problem described by `description`.
    public init(_ description: String) {
        self.description = description
    }
}
