/// How urgent a finding is.
public enum FindingSeverity: String, Sendable, Codable, Comparable {
    /// Worth knowing.
    case info
    /// Costs performance or correctness somewhere; should be fixed.
    case warning
    /// Fails statements or costs a lot; fix first.
    case critical

    private var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .critical: return 2
        }
    }

    /// Orders by urgency: info < warning < critical.
    public static func < (lhs: FindingSeverity, rhs: FindingSeverity) -> Bool {
        lhs.rank < rhs.rank
    }
}
