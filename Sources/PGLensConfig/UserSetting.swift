/// A key of a `[users.NAME]` table.
enum UserSetting: String, CaseIterable {
    /// A plain password, a SCRAM verifier or an md5 hash, told apart by `UserSecret(configValue:)`.
    case password
    case poolMode = "pool_mode"
    case maxUserConnections = "max_user_connections"

    /// Checks `value` against the setting's type and stores it.
    func apply(_ value: SettingValue, to user: inout UserConfiguration) throws(SettingValue.Mismatch) {
        switch self {
        case .password: user.secret = UserSecret(configValue: try value.string())
        case .poolMode: user.poolMode = try value.poolMode()
        case .maxUserConnections: user.maxUserConnections = try value.integer()
        }
    }
}
