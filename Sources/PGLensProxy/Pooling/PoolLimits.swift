/// The caps that apply to one pool when it is asked for a connection.
public struct PoolLimits: Sendable, Equatable {
    /// Server connections this (database, user) pool may hold.
    public var poolSize: Int
    /// Server connections to the database across all its pools; 0 means no cap.
    public var maxDBConnections: Int

    public init(poolSize: Int, maxDBConnections: Int) {
        self.poolSize = poolSize
        self.maxDBConnections = maxDBConnections
    }
}
