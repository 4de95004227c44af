/// One `[databases.NAME]` table: where a database that clients ask for really lives.
public struct DatabaseConfiguration: Sendable, Equatable {
    /// The name clients use in their startup message.
    public var name: String
    public var host: String
    public var port: Int
    /// The database name on the server; defaults to `name`.
    public var dbname: String
    /// Server connections per (database, user) pool; `nil` means the instance's `default_pool_size`.
    public var poolSize: Int?
    public var poolMode: PoolMode?
    /// Connect to the server as this user instead of the client's user (PgBouncer's `user=`).
    public var forceUser: String?
    /// The password for `forceUser` (or for the client's user) toward the server.
    public var password: String?
    /// Caps server connections to this database across all users; 0 means no cap.
    public var maxDBConnections: Int?
    /// Server connections each pool of this database keeps open; `nil` means the instance's `min_pool_size`.
    public var minPoolSize: Int?
    /// The reserve of this database's pools; `nil` means the instance's `reserve_pool_size`.
    public var reservePoolSize: Int?
    /// Under transaction pooling, what to do with statements that leave session state; `nil` means the
    /// instance's `session_state_policy`.
    public var sessionStatePolicy: SessionStatePolicy?
    /// Executions slower than this, in milliseconds, are slow; `nil` means the instance's
    /// `slow_query_threshold_ms`.
    public var slowQueryThresholdMs: Double?
    /// The user that looks up unknown users' secrets with `auth_query` for this database; `nil` means the
    /// instance's `auth_user`.
    public var authUser: String?
    /// Whether pglens's index advisor works in this database; `nil` means the instance's `advisor`.
    public var advisor: Bool?

    public init(
        name: String, host: String = "127.0.0.1", port: Int = 5432, dbname: String? = nil,
        poolSize: Int? = nil, poolMode: PoolMode? = nil, forceUser: String? = nil,
        password: String? = nil, maxDBConnections: Int? = nil
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.dbname = dbname ?? name
        self.poolSize = poolSize
        self.poolMode = poolMode
        self.forceUser = forceUser
        self.password = password
        self.maxDBConnections = maxDBConnections
    }
}

extension DatabaseConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// A summary safe to log: the password, if any, shows as `<password>`.
    public var description: String {
        var fields = ["host: \(host)", "port: \(port)", "dbname: \(dbname)"]
        if let poolSize { fields.append("pool_size: \(poolSize)") }
        if let poolMode { fields.append("pool_mode: \(poolMode.rawValue)") }
        if let forceUser { fields.append("user: \(forceUser)") }
        if password != nil { fields.append("password: <password>") }
        if let maxDBConnections { fields.append("max_db_connections: \(maxDBConnections)") }
        if let minPoolSize { fields.append("min_pool_size: \(minPoolSize)") }
        if let reservePoolSize { fields.append("reserve_pool_size: \(reservePoolSize)") }
        if let sessionStatePolicy { fields.append("session_state_policy: \(sessionStatePolicy.rawValue)") }
        if let slowQueryThresholdMs { fields.append("slow_query_threshold_ms: \(slowQueryThresholdMs)") }
        if let authUser { fields.append("auth_user: \(authUser)") }
        if let advisor { fields.append("advisor: \(advisor)") }
        return "\(name)(" + fields.joined(separator: ", ") + ")"
    }

    /// The same as `description`: never shows the password.
    public var debugDescription: String { description }
}

extension DatabaseConfiguration: CustomReflectable {
    /// Mirrors the fields with the password replaced, so that `dump(_:)` does not print it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "host": host, "port": port, "dbname": dbname, "poolSize": poolSize as Any,
                "poolMode": poolMode as Any, "forceUser": forceUser as Any,
                "password": password == nil ? "nil" : "<password>", "maxDBConnections": maxDBConnections as Any,
                "minPoolSize": minPoolSize as Any, "reservePoolSize": reservePoolSize as Any,
                "advisor": advisor as Any,
            ],
            displayStyle: .struct)
    }
}
