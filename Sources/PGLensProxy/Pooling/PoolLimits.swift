import NIOCore

/// The caps that apply to one pool when it is asked for a connection.
public struct PoolLimits: Sendable, Equatable {
    /// Server connections this (database, user) pool may hold.
    public var poolSize: Int
    /// Server connections to the database across all its pools; 0 means no cap.
    public var maxDBConnections: Int
    /// Server connections the pool keeps open once it exists, even with no client (`min_pool_size`).
    public var minPoolSize: Int
    /// Connections the pool may open beyond `poolSize` for a client that waited `reservePoolTimeout`.
    public var reservePoolSize: Int
    /// How long a client waits before the reserve may be used (`reserve_pool_timeout`).
    public var reservePoolTimeout: TimeAmount
    /// Server connections of the pool's user across all databases; 0 means no cap.
    public var maxUserConnections: Int

    public init(
        poolSize: Int, maxDBConnections: Int, minPoolSize: Int = 0, reservePoolSize: Int = 0,
        reservePoolTimeout: TimeAmount = .seconds(5), maxUserConnections: Int = 0
    ) {
        self.poolSize = poolSize
        self.maxDBConnections = maxDBConnections
        self.minPoolSize = minPoolSize
        self.reservePoolSize = reservePoolSize
        self.reservePoolTimeout = reservePoolTimeout
        self.maxUserConnections = maxUserConnections
    }

    /// The connections kept open without clients: `min_pool_size`, never more than the pool may hold.
    var effectiveMinimum: Int { min(minPoolSize, poolSize) }
}
