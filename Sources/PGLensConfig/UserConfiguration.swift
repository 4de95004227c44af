/// One `[users.NAME]` table: a user clients may log in as.
public struct UserConfiguration: Sendable, Equatable {
    public var name: String
    /// How pglens checks this user's password, and how it logs in to the server as this user.
    public var secret: UserSecret?
    public var poolMode: PoolMode?
    /// Server connections of this user across all databases; `nil` means the instance's
    /// `max_user_connections`, 0 no cap.
    public var maxUserConnections: Int?

    public init(name: String, secret: UserSecret?, poolMode: PoolMode? = nil) {
        self.name = name
        self.secret = secret
        self.poolMode = poolMode
    }
}

extension UserConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// A summary safe to log: the secret shows only as its kind.
    public var description: String {
        var fields = ["secret: \(secret.map(\.description) ?? "none")"]
        if let poolMode { fields.append("pool_mode: \(poolMode.rawValue)") }
        if let maxUserConnections { fields.append("max_user_connections: \(maxUserConnections)") }
        return "\(name)(" + fields.joined(separator: ", ") + ")"
    }

    /// The same as `description`: never shows the secret.
    public var debugDescription: String { description }
}

extension UserConfiguration: CustomReflectable {
    /// Mirrors the fields with the secret shown only as its kind, so that `dump(_:)` does not print it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "secret": secret.map(\.description) ?? "none", "poolMode": poolMode as Any,
                "maxUserConnections": maxUserConnections as Any,
            ],
            displayStyle: .struct)
    }
}
