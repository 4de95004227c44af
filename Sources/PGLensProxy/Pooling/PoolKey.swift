/// Identifies one pool of server connections: a database as clients name it, and the user.
///
/// The pools look a key up several times per transaction under transaction pooling: its hash is computed
/// once, when the key is made, not from both strings at every lookup.
public struct PoolKey: Hashable, Sendable, CustomStringConvertible {
    public var database: String {
        didSet { digest = Self.digest(database, user) }
    }
    public var user: String {
        didSet { digest = Self.digest(database, user) }
    }
    private var digest: Int

    public init(database: String, user: String) {
        self.database = database
        self.user = user
        self.digest = Self.digest(database, user)
    }

    public var description: String { "\(database)/\(user)" }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }

    public static func == (lhs: PoolKey, rhs: PoolKey) -> Bool {
        lhs.digest == rhs.digest && lhs.database == rhs.database && lhs.user == rhs.user
    }

    private static func digest(_ database: String, _ user: String) -> Int {
        var hasher = Hasher()
        hasher.combine(database)
        hasher.combine(user)
        return hasher.finalize()
    }
}
