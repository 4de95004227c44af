/// One `[users.NAME]` table: a user clients may log in as.
public struct UserConfiguration: Sendable, Equatable {
    public var name: String
    /// How pglens checks this user's password, and how it logs in to the server as this user.
    public var secret: UserSecret?
    public var poolMode: PoolMode?

    public init(name: String, secret: UserSecret?, poolMode: PoolMode? = nil) {
        self.name = name
        self.secret = secret
        self.poolMode = poolMode
    }
}
