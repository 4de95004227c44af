/// Identifies one pool of server connections: a database as clients name it, and the user.
public struct PoolKey: Hashable, Sendable, CustomStringConvertible {
    public var database: String
    public var user: String

    public init(database: String, user: String) {
        self.database = database
        self.user = user
    }

    public var description: String { "\(database)/\(user)" }
}
