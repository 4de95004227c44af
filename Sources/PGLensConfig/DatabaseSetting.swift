/// A key of a `[databases.NAME]` table, or a word of a libpq-style database string.
enum DatabaseSetting: String, CaseIterable {
    case host
    case port
    case dbname
    case poolSize = "pool_size"
    case poolMode = "pool_mode"
    case user
    case password
    case maxDBConnections = "max_db_connections"
    case minPoolSize = "min_pool_size"
    case reservePoolSize = "reserve_pool_size"
    /// PgBouncer's older name of `reserve_pool_size` in a database entry.
    case reservePool = "reserve_pool"
    case sessionStatePolicy = "session_state_policy"
    case slowQueryThresholdMs = "slow_query_threshold_ms"
    case authUser = "auth_user"
    case advisor

    /// Checks `value` against the setting's type and stores it.
    func apply(_ value: SettingValue, to database: inout DatabaseConfiguration) throws(SettingValue.Mismatch) {
        switch self {
        case .host: database.host = try value.string()
        case .port: database.port = try value.integer()
        case .dbname: database.dbname = try value.string()
        case .poolSize: database.poolSize = try value.integer()
        case .poolMode: database.poolMode = try value.poolMode()
        case .user: database.forceUser = try value.string()
        case .password: database.password = try value.string()
        case .maxDBConnections: database.maxDBConnections = try value.integer()
        case .minPoolSize: database.minPoolSize = try value.integer()
        case .reservePoolSize, .reservePool: database.reservePoolSize = try value.integer()
        case .sessionStatePolicy: database.sessionStatePolicy = try value.sessionStatePolicy()
        case .slowQueryThresholdMs: database.slowQueryThresholdMs = try value.number()
        case .authUser: database.authUser = try value.string()
        case .advisor: database.advisor = try value.boolean()
        }
    }
}
