/// What a `SHOW` command of the admin console lists.
enum AdminShowTarget: String, CaseIterable, Sendable {
    case pools
    case stats
    case statsTotals = "stats_totals"
    case statsAverages = "stats_averages"
    case clients
    case servers
    case databases
    case users
    case config
    case lists
    case version
    case help
    /// Per normalized statement, from the analysis.
    case statements
    /// The slow executions kept by the analysis.
    case slow
}
