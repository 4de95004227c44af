import PGLensConfig

/// What a user logged in to the admin console may do.
enum AdminRole: Equatable, Sendable {
    /// `admin_users`: every command.
    case admin
    /// `stats_users`: SHOW commands only.
    case stats

    /// The names of the admin console's virtual database.
    static let databaseNames = Configuration.adminConsoleDatabaseNames

    /// The role of `user`, or nil when it may not use the console.
    init?(user: String, configuration: Configuration) {
        if configuration.adminUsers.contains(user) {
            self = .admin
        } else if configuration.statsUsers.contains(user) {
            self = .stats
        } else {
            return nil
        }
    }

    /// Whether the role may run `command`.
    func mayRun(_ command: AdminCommand) -> Bool {
        switch self {
        case .admin: return true
        case .stats: return command.isReadOnly
        }
    }
}
