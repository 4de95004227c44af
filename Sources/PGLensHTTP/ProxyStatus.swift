import Foundation

/// What the proxy says about its pools, clients and traffic at one moment: the body of
/// `GET /api/v1/status`, read by the dashboard, `/metrics` and `pglens top`. Counts are since start unless
/// named otherwise; times are in microseconds.
public struct ProxyStatus: Codable, Equatable, Sendable {
    /// One pool (database, user), as `SHOW POOLS` lists it, with its configured limits.
    public struct Pool: Codable, Equatable, Sendable {
        public var database: String
        public var user: String
        /// `session`, `transaction` or `statement`.
        public var poolMode: String
        /// Clients linked to a server connection or idle between requests.
        public var clientsActive: Int
        /// Clients waiting for a server connection.
        public var clientsWaiting: Int
        public var serversActive: Int
        public var serversIdle: Int
        /// Server connections being opened.
        public var serversConnecting: Int
        /// The longest a waiting client has waited so far.
        public var maximumWaitMicroseconds: UInt64
        /// The configured `pool_size` and the database's cap (`max_db_connections`, 0: none).
        public var poolSize: Int
        public var maximumDatabaseConnections: Int

        public init(
            database: String, user: String, poolMode: String, clientsActive: Int, clientsWaiting: Int,
            serversActive: Int, serversIdle: Int, serversConnecting: Int, maximumWaitMicroseconds: UInt64,
            poolSize: Int, maximumDatabaseConnections: Int
        ) {
            self.database = database
            self.user = user
            self.poolMode = poolMode
            self.clientsActive = clientsActive
            self.clientsWaiting = clientsWaiting
            self.serversActive = serversActive
            self.serversIdle = serversIdle
            self.serversConnecting = serversConnecting
            self.maximumWaitMicroseconds = maximumWaitMicroseconds
            self.poolSize = poolSize
            self.maximumDatabaseConnections = maximumDatabaseConnections
        }

        enum CodingKeys: String, CodingKey {
            case database, user
            case poolMode = "pool_mode"
            case clientsActive = "clients_active"
            case clientsWaiting = "clients_waiting"
            case serversActive = "servers_active"
            case serversIdle = "servers_idle"
            case serversConnecting = "servers_connecting"
            case maximumWaitMicroseconds = "max_wait_us"
            case poolSize = "pool_size"
            case maximumDatabaseConnections = "max_db_connections"
        }
    }

    /// One database's traffic since start, as `SHOW STATS` totals it.
    public struct Traffic: Codable, Equatable, Sendable {
        public var database: String
        public var transactions: UInt64
        public var queries: UInt64
        public var bytesReceived: UInt64
        public var bytesSent: UInt64
        public var transactionMicroseconds: UInt64
        public var queryMicroseconds: UInt64
        public var waitMicroseconds: UInt64
        public var clientLogins: UInt64

        public init(
            database: String, transactions: UInt64, queries: UInt64, bytesReceived: UInt64, bytesSent: UInt64,
            transactionMicroseconds: UInt64, queryMicroseconds: UInt64, waitMicroseconds: UInt64,
            clientLogins: UInt64
        ) {
            self.database = database
            self.transactions = transactions
            self.queries = queries
            self.bytesReceived = bytesReceived
            self.bytesSent = bytesSent
            self.transactionMicroseconds = transactionMicroseconds
            self.queryMicroseconds = queryMicroseconds
            self.waitMicroseconds = waitMicroseconds
            self.clientLogins = clientLogins
        }

        enum CodingKeys: String, CodingKey {
            case database, transactions, queries
            case bytesReceived = "bytes_received"
            case bytesSent = "bytes_sent"
            case transactionMicroseconds = "transaction_time_us"
            case queryMicroseconds = "query_time_us"
            case waitMicroseconds = "wait_time_us"
            case clientLogins = "client_logins"
        }
    }

    public var generatedAt: Date
    /// When the proxy started.
    public var startedAt: Date
    public var pools: [Pool]
    public var traffic: [Traffic]
    /// Client connections open now, and the instance's cap (`max_client_conn`).
    public var clientConnections: Int
    public var maximumClientConnections: Int

    public init(
        generatedAt: Date, startedAt: Date, pools: [Pool], traffic: [Traffic], clientConnections: Int,
        maximumClientConnections: Int
    ) {
        self.generatedAt = generatedAt
        self.startedAt = startedAt
        self.pools = pools
        self.traffic = traffic
        self.clientConnections = clientConnections
        self.maximumClientConnections = maximumClientConnections
    }

    enum CodingKeys: String, CodingKey {
        case pools, traffic
        case generatedAt = "generated_at"
        case startedAt = "started_at"
        case clientConnections = "client_connections"
        case maximumClientConnections = "max_client_conn"
    }
}

/// Where the HTTP API reads the proxy's live status (the proxy implements it; tests may give a fixed one).
public protocol ProxyStatusSource: Sendable {
    /// The status now; called off the proxy's event loops.
    func status() async -> ProxyStatus
}
