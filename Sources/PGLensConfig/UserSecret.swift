/// The secret pglens holds for a user, as written in the config.
///
/// A value beginning `SCRAM-SHA-256$` is a SCRAM verifier as stored in `pg_authid.rolpassword`,
/// one beginning `md5` followed by 32 hex digits is an md5 hash (`md5(password || user)`),
/// anything else is a plain password.
public enum UserSecret: Sendable, Equatable {
    case plain(String)
    case scramVerifier(String)
    case md5Hash(String)

    public init(configValue: String) {
        if configValue.hasPrefix("SCRAM-SHA-256$") {
            self = .scramVerifier(configValue)
        } else if configValue.count == 35, configValue.hasPrefix("md5"),
            configValue.dropFirst(3).allSatisfy({ $0.isHexDigit })
        {
            self = .md5Hash(configValue)
        } else {
            self = .plain(configValue)
        }
    }
}

extension UserSecret: CustomStringConvertible {
    /// Never prints the secret itself, so that a config can be logged safely.
    public var description: String {
        switch self {
        case .plain: return "<password>"
        case .scramVerifier: return "<scram-sha-256 verifier>"
        case .md5Hash: return "<md5 hash>"
        }
    }
}

extension UserSecret: CustomDebugStringConvertible, CustomReflectable {
    /// The same as `description`: never prints the secret.
    public var debugDescription: String { description }

    /// No children, so that `dump(_:)` prints only the kind of secret.
    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .enum) }
}
