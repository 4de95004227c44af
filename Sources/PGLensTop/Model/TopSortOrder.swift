import PGLensAnalysis

/// How `pglens top` orders the statements, largest first.
public enum TopSortOrder: String, Sendable, CaseIterable, Equatable {
    /// By time spent in all executions (`t`).
    case totalTime = "total"
    /// By mean time of one execution (`m`).
    case meanTime = "mean"
    /// By executions (`c`).
    case calls

    /// How the order reads in the statements' title: "by total time".
    public var title: String {
        switch self {
        case .totalTime: return "by total time"
        case .meanTime: return "by mean time"
        case .calls: return "by calls"
        }
    }

    /// `statements` in this order; ties go to the most total time, then the query text, so the order is
    /// stable from one refresh to the next.
    public func sorted(_ statements: [StatementSummary]) -> [StatementSummary] {
        statements.sorted { left, right in
            let (a, b): (Double, Double)
            switch self {
            case .totalTime: (a, b) = (left.totalMilliseconds, right.totalMilliseconds)
            case .meanTime: (a, b) = (left.meanMilliseconds, right.meanMilliseconds)
            case .calls: (a, b) = (Double(left.calls), Double(right.calls))
            }
            if a != b { return a > b }
            if left.totalMilliseconds != right.totalMilliseconds {
                return left.totalMilliseconds > right.totalMilliseconds
            }
            if left.query != right.query { return left.query < right.query }
            return (left.database, left.user, left.applicationName) < (
                right.database, right.user, right.applicationName
            )
        }
    }
}
