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
